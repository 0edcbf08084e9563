// Linux App Service plan. Standard and Premium tiers have deployment slots (S1: 5, P*v3: 20).
param location string
param tags object
param name string
param sku string

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'linux'
  sku: { name: sku }
  properties: {
    reserved: true // Linux
  }
}

output id string = plan.id

// Infrastructure for the example app, as azd expects it: a resource group with an App Service plan
// tier that has deployment slots, the web app and its `staging` slot, and Log Analytics + App Insights.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names and tags derive from it.')
param environmentName string

@minLength(1)
@description('Azure region of every resource.')
param location string

@description('App Service plan SKU. Deployment slots need Standard (S1) or higher; Basic and Free have none.')
@allowed(['S1', 'S2', 'S3', 'P0v3', 'P1v3', 'P2v3', 'P3v3'])
param appServicePlanSku string = 'S1'

@description('Name of the slot that releases are deployed to and gated on before the swap.')
param stagingSlotName string = 'staging'

var tags = { 'azd-env-name': environmentName }
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))

resource rg 'Microsoft.Resources/resourceGroups@2022-09-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
  }
}

module plan 'modules/plan.bicep' = {
  name: 'plan'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'plan-${resourceToken}'
    sku: appServicePlanSku
  }
}

module web 'modules/web.bicep' = {
  name: 'web'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'app-${resourceToken}'
    serviceName: 'web'
    planId: plan.outputs.id
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module staging 'modules/slot.bicep' = {
  name: 'slot-${stagingSlotName}'
  scope: rg
  params: {
    location: location
    tags: tags
    siteName: web.outputs.name
    slotName: stagingSlotName
    planId: plan.outputs.id
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

// azd reads these into the environment (.azure/<env>/.env); the release workflow reads them too.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_WEB_NAME string = web.outputs.name
output SERVICE_WEB_URI string = web.outputs.uri
output SERVICE_WEB_STAGING_SLOT string = stagingSlotName
output SERVICE_WEB_STAGING_URI string = staging.outputs.uri
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.applicationInsightsConnectionString

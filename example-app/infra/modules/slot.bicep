// A deployment slot with the same configuration as production, its own identity and host name.
import { siteConfig, appSettings } from 'site-config.bicep'

param location string
param tags object
param siteName string
param slotName string
param planId string
@secure()
param applicationInsightsConnectionString string
param logAnalyticsWorkspaceId string

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: siteName
}

resource slot 'Microsoft.Web/sites/slots@2024-04-01' = {
  parent: site
  name: slotName
  location: location
  // No azd-service-name tag here: azd must find exactly one resource per service (the app).
  tags: tags
  kind: 'app,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: planId
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: union(siteConfig(), {
      appSettings: appSettings(applicationInsightsConnectionString, slotName)
    })
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: slot
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      { category: 'AppServiceConsoleLogs', enabled: true }
      { category: 'AppServiceHTTPLogs', enabled: true }
      { category: 'AppServicePlatformLogs', enabled: true }
    ]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output name string = slot.name
output uri string = 'https://${slot.properties.defaultHostName}'
output principalId string = slot.identity.principalId

// The web app (production slot): Node 24 on Linux, system-assigned identity, health check, and the
// list of slot-sticky settings.
import { siteConfig, appSettings } from 'site-config.bicep'

param location string
param tags object
param name string
@description('azd service name; azd finds the app by the azd-service-name tag.')
param serviceName string
param planId string
@secure()
param applicationInsightsConnectionString string
param logAnalyticsWorkspaceId string

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'app,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: planId
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: union(siteConfig(), {
      appSettings: appSettings(applicationInsightsConnectionString, 'production')
    })
  }
}

// Sticky (slot) settings stay with their slot during a swap. The rehearsal switches are sticky so a
// switch flipped on staging never travels to production and never trips the settings-drift gate.
resource slotConfigNames 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'slotConfigNames'
  properties: {
    appSettingNames: [
      'SLOT_NAME'
      'REHEARSAL_FAIL_READY'
      'REHEARSAL_LATENCY_MS'
      'REHEARSAL_ERROR_RATE'
      'REHEARSAL_BREAK_CONTRACT'
      'REHEARSAL_CRASH_ON_START'
      'REHEARSAL_TOKENS'
    ]
  }
}

// Console output (the JSON logs) and HTTP logs into Log Analytics.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
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

output name string = site.name
output uri string = 'https://${site.properties.defaultHostName}'
output principalId string = site.identity.principalId

// Site configuration and app settings shared by the production slot and every deployment slot, so
// the only differences between them are the ones a slot must own (see slotConfigNames in web.bicep).
@export()
func siteConfig() object => {
  linuxFxVersion: 'NODE|24-lts'
  // The zip is a bundle: start it directly, no npm and no build on the server.
  appCommandLine: 'node server.mjs'
  alwaysOn: true
  // Liveness only: readiness (/readyz) depends on the tool server and must not recycle instances.
  healthCheckPath: '/healthz'
  http20Enabled: true
  minTlsVersion: '1.2'
  ftpsState: 'Disabled'
}

@export()
func appSettings(appInsightsConnectionString string, slotName string) array => [
  { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'false' }
  { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' }
  // Swap warm-up waits for readiness, and only a 200 counts as warm.
  { name: 'WEBSITE_SWAP_WARMUP_PING_PATH', value: '/readyz' }
  { name: 'WEBSITE_SWAP_WARMUP_PING_STATUSES', value: '200' }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
  { name: 'SLOT_NAME', value: slotName }
]

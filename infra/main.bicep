// SyncFunctions on Azure: one storage account (Functions host, Durable task hub, the service's tables and blobs,
// deployment packages) with shared-key access off, a Function App (.NET isolated, Linux; Flex Consumption by
// default, Elastic Premium as a parameter) that reaches everything with a user-assigned managed identity, Application
// Insights on Log Analytics, and the Event Grid topic that feeds automatic resync.
// Deploy: az deployment group create -g <rg> -f infra/main.bicep -p infra/<env>.bicepparam

targetScope = 'resourceGroup'

@description('Environment the resources are for; part of every name.')
@allowed([
  'dev'
  'prod'
])
param environmentName string

@description('Short base of every name: lower-case letters and digits.')
@minLength(2)
@maxLength(8)
param baseName string = 'sync'

param location string = resourceGroup().location

@description('FlexConsumption (serverless, scales to zero) or ElasticPremium (always-warm instances, VNet, longer runs).')
@allowed([
  'FlexConsumption'
  'ElasticPremium'
])
param hostingPlan string = 'FlexConsumption'

@description('Elastic Premium only: the plan size.')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param premiumSku string = 'EP1'

@description('Flex Consumption only: the most instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('OpenID Connect authority that issues the API\'s bearer tokens, e.g. https://login.microsoftonline.com/<tenant>/v2.0')
param authAuthority string

@description('Audience (application id URI or client id) the tokens must be issued for.')
param authAudience string

@description('A user id (token sub): at start-up, iTwins that only data from before access control refers to get this Owner. Empty: none.')
param adoptUnownedITwinsAs string = ''

@description('OAuth 2.0 authorization endpoint users grant offline access at, for User connections (empty: User connections run like Service ones).')
param userGrantAuthorizeEndpoint string = ''

@description('OAuth 2.0 token endpoint that redeems authorization codes (PKCE) and refresh tokens.')
param userGrantTokenEndpoint string = ''

@description('Client id the service uses at the authorization server.')
param userGrantClientId string = 'syncfunctions'

@description('Confidential clients only: the client secret, best as a Key Vault reference (@Microsoft.KeyVault(SecretUri=...)), resolved with the app\'s identity.')
@secure()
param userGrantClientSecret string = ''

@description('Name of the Key Vault certificate that encrypts the Data Protection key ring (which encrypts stored refresh tokens). Create it once in the vault this template makes (docs/deployment.md); empty: keys rest protected by the storage account only.')
param dataProtectionCertificateName string = ''

@description('Origins of browser apps that upload and download Storage API files straight on the blob service (its CORS rules). The API\'s own CORS origins are app settings Cors__AllowedOrigins__0, … (docs/deployment.md).')
param browserOrigins array = []

@description('Subscribe the automatic-resync blob trigger to the files container\'s Event Grid events. The subscription needs the app\'s blobs_extension key, which exists once the code is deployed: deploy with false, deploy the code, deploy again with true.')
param subscribeBlobEvents bool = false

@description('Elastic Premium only: the URL of the package blob the app runs from (the pipeline uploads it to the deployments container).')
param packageUrl string = ''

var suffix = uniqueString(resourceGroup().id, environmentName)
// Storage account names: 3-24 lower-case letters and digits, globally unique.
var storageName = take('st${baseName}${environmentName}${suffix}', 24)
// Function App names: at most 60 characters, letters, digits and hyphens, globally unique (its host name).
var appName = 'func-${baseName}-${environmentName}-${suffix}'
var identityName = 'id-${baseName}-${environmentName}'
// Key Vault names: 3-24 letters, digits and hyphens, globally unique.
var vaultName = take('kv-${baseName}-${suffix}', 24)
var deploymentContainer = 'deployments'
// The service's table and container prefix (Storage:Prefix): its files container is "<prefix>-storage".
var storagePrefix = 'sync'
var filesContainer = '${storagePrefix}-storage'
var flex = hostingPlan == 'FlexConsumption'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  sku: { name: 'Standard_LRS' }
  kind: 'StorageV2'
  properties: {
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    // Browser apps PUT to the Storage API's upload URLs and GET download URLs straight on the blob service.
    cors: {
      corsRules: empty(browserOrigins) ? [] : [
        {
          allowedOrigins: browserOrigins
          allowedMethods: ['GET', 'HEAD', 'PUT', 'OPTIONS']
          allowedHeaders: ['*']
          exposedHeaders: ['ETag', 'x-ms-request-id']
          maxAgeInSeconds: 600
        }
      ]
    }
  }
}

resource packages 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainer
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${baseName}-${environmentName}-${suffix}'
  location: location
  properties: { sku: { name: 'PerGB2018' }, retentionInDays: 30 }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${baseName}-${environmentName}-${suffix}'
  location: location
  kind: 'web'
  properties: { Application_Type: 'web', WorkspaceResourceId: logs.id, DisableLocalAuth: true }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${baseName}-${environmentName}-${suffix}'
  location: location
  kind: flex ? 'functionapp' : 'elastic'
  sku: flex ? { tier: 'FlexConsumption', name: 'FC1' } : { tier: 'ElasticPremium', name: premiumSku }
  properties: { reserved: true, maximumElasticWorkerCount: flex ? null : 20 }
}

// Every setting the code reads (tests/Infra.Tests checks this list against the code and local.settings.sample.json).
var appSettings = [
  // Functions host and Durable task hub storage, by identity.
  { name: 'AzureWebJobsStorage__accountName', value: storage.name }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
  // DefaultAzureCredential (the app's own tables and blobs) picks the user-assigned identity by this id.
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
  { name: 'Storage__TableServiceUri', value: storage.properties.primaryEndpoints.table }
  { name: 'Storage__BlobServiceUri', value: storage.properties.primaryEndpoints.blob }
  { name: 'Storage__Prefix', value: storagePrefix }
  { name: 'Storage__MaxFileBytes', value: '2147483648' }
  { name: 'Auth__Authority', value: authAuthority }
  { name: 'Auth__Audience', value: authAudience }
  { name: 'Auth__ReadScope', value: 'itwin-platform' }
  { name: 'Auth__WriteScope', value: 'itwin-platform' }
  { name: 'Auth__RequireHttpsMetadata', value: 'true' }
  { name: 'Auth__KeyRefreshInterval', value: '00:05:00' }
  { name: 'Access__RoleCacheDuration', value: '00:00:30' }
  { name: 'Access__CacheEntries', value: '100000' }
  { name: 'Access__AdoptUnownedITwinsAs', value: adoptUnownedITwinsAs }
  { name: 'Cors__PreflightMaxAge', value: '00:10:00' }
  { name: 'StorageApi__UploadUrlLifetime', value: '02:00:00' }
  { name: 'StorageApi__DownloadUrlLifetime', value: '00:15:00' }
  { name: 'RateLimits__PerCaller', value: '1000' }
  { name: 'RateLimits__PerITwin', value: '5000' }
  { name: 'RateLimits__Window', value: '00:00:10' }
  { name: 'DataProtection__KeyVaultUri', value: empty(dataProtectionCertificateName) ? '' : vault.properties.vaultUri }
  { name: 'DataProtection__CertificateName', value: dataProtectionCertificateName }
  { name: 'UserGrant__AuthorizeEndpoint', value: userGrantAuthorizeEndpoint }
  { name: 'UserGrant__TokenEndpoint', value: userGrantTokenEndpoint }
  { name: 'UserGrant__ClientId', value: userGrantClientId }
  { name: 'UserGrant__ClientSecret', value: userGrantClientSecret }
  { name: 'UserGrant__Scope', value: 'openid offline_access itwin-platform' }
  { name: 'UserGrant__StateLifetime', value: '00:10:00' }
  { name: 'Runs__AbandonAfter', value: '06:00:00' }
  { name: 'Runs__FileReadTimeout', value: '01:00:00' }
  { name: 'Downloads__AllowHttp', value: 'false' }
  { name: 'Downloads__MaxRedirects', value: '5' }
  { name: 'Downloads__MaxBytes', value: '8589934592' }
  { name: 'Downloads__ConnectTimeout', value: '00:00:30' }
  { name: 'Downloads__ReadTimeout', value: '00:01:40' }
  { name: 'Downloads__Retries', value: '3' }
  { name: 'Downloads__RetryDelay', value: '00:00:01' }
  { name: 'Downloads__MaxRetryDelay', value: '00:01:00' }
  { name: 'Resync__QuietPeriod', value: '00:00:10' }
  { name: 'Engine__CacheDirectory', value: '/tmp/syncfunctions-index' }
  { name: 'Engine__IndexCheckpointOperations', value: '100000' }
  // The automatic-resync blob trigger (Event Grid source) reads the files container by identity.
  { name: 'FilesContainerName', value: filesContainer }
  { name: 'FilesStorage__blobServiceUri', value: storage.properties.primaryEndpoints.blob }
  { name: 'FilesStorage__queueServiceUri', value: storage.properties.primaryEndpoints.queue }
  { name: 'FilesStorage__credential', value: 'managedidentity' }
  { name: 'FilesStorage__clientId', value: identity.properties.clientId }
]

// Elastic Premium runs from the package blob, read with the identity (no content file share, which would need keys).
var premiumSettings = [
  { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
  { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'dotnet-isolated' }
  { name: 'WEBSITE_RUN_FROM_PACKAGE', value: packageUrl }
  { name: 'WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID', value: identity.id }
]

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    functionAppConfig: flex
      ? {
          deployment: {
            storage: {
              type: 'blobContainer'
              value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
              authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identity.id }
            }
          }
          scaleAndConcurrency: { maximumInstanceCount: maximumInstanceCount, instanceMemoryMB: 2048 }
          runtime: { name: 'dotnet-isolated', version: '10.0' }
        }
      : null
    siteConfig: {
      linuxFxVersion: flex ? null : 'DOTNET-ISOLATED|10.0'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: flex ? appSettings : concat(appSettings, premiumSettings)
    }
  }
}

// Least privilege on the data plane: blobs (data, packages, snapshots), queues (task hub, trigger), tables.
var storageRoles = [
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe' // Storage Blob Data Contributor
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor
  'db58b8e5-c6ad-4a2a-8342-4190687cbf4a' // Storage Blob Delegator (user-delegation SAS for direct uploads)
]

resource storageAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: {
    name: guid(storage.id, identity.id, role)
    scope: storage
    properties: {
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]

// Holds the certificate that encrypts the Data Protection key ring; the app reads it with its identity.
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
  }
}

// Key Vault Reader (the certificate's metadata) and Key Vault Secrets User (its private key, kept as a secret).
var vaultRoles = [
  '21090545-7ca7-4776-b22c-e363652d74d2'
  '4633458b-17de-408a-b874-0445c86b69e6'
]

resource vaultAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in vaultRoles: {
    name: guid(vault.id, identity.id, role)
    scope: vault
    properties: {
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]

// Monitoring Metrics Publisher, for Entra-authenticated Application Insights ingestion.
resource insightsAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, identity.id, '3913510d-42f4-4e42-8a64-420c390055eb')
  scope: insights
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '3913510d-42f4-4e42-8a64-420c390055eb')
  }
}

// Automatic resync: BlobCreated events of the files container go to the app's blob trigger.
resource storageEvents 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: 'evgt-${baseName}-${environmentName}-${suffix}'
  location: location
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource filesChanged 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = if (subscribeBlobEvents) {
  parent: storageEvents
  name: 'files-changed'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${app.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.FilesContainerChanged&code=${listKeys('${app.id}/host/default', '2024-04-01').systemKeys.blobs_extension}'
      }
    }
    filter: {
      includedEventTypes: ['Microsoft.Storage.BlobCreated']
      subjectBeginsWith: '/blobServices/default/containers/${filesContainer}/'
    }
  }
}

output functionAppName string = app.name
output apiUrl string = 'https://${app.properties.defaultHostName}'
output storageAccountName string = storage.name
output identityClientId string = identity.properties.clientId
output deploymentContainerUrl string = '${storage.properties.primaryEndpoints.blob}${packages.name}'
output eventGridTopicName string = storageEvents.name
output keyVaultName string = vault.name

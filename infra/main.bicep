// SyncFunctions on Azure: a storage account (data, durable task hub, deployment packages), a Flex Consumption
// Function App (.NET isolated) that reaches storage with its managed identity, and Application Insights.
// Deploy: az deployment group create -g <rg> -f infra/main.bicep -p authAuthority=<...> authAudience=<...>

@description('Base name of every resource (lower-case letters and digits).')
@minLength(3)
@maxLength(16)
param name string = 'syncfn${uniqueString(resourceGroup().id)}'

param location string = resourceGroup().location

@description('OpenID Connect authority that issues the API\'s bearer tokens, e.g. https://login.microsoftonline.com/<tenant>/v2.0')
param authAuthority string

@description('Audience (application id URI or client id) the tokens must be issued for.')
param authAudience string

@description('.NET isolated runtime version of the Function App.')
param dotnetVersion string = '10.0'

@description('Subscribe the blob trigger (automatic resync) to the files container\'s Event Grid events. The subscription needs the Function App\'s blobs_extension key, which exists once the code is deployed: deploy with false first, deploy the code, then deploy again with true.')
param subscribeBlobEvents bool = false

var storageName = take(replace(toLower(name), '-', ''), 24)
var deploymentContainer = 'deployments'
// The service's table and container prefix is "sync" by default (Storage:Prefix): its files live here.
var filesContainer = 'sync-storage'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  sku: { name: 'Standard_LRS' }
  kind: 'StorageV2'
  properties: {
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource packages 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainer
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: { sku: { name: 'PerGB2018' }, retentionInDays: 30 }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-ai'
  location: location
  kind: 'web'
  properties: { Application_Type: 'web', WorkspaceResourceId: logs.id, DisableLocalAuth: true }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: 40, instanceMemoryMB: 2048 }
      runtime: { name: 'dotnet-isolated', version: dotnetVersion }
    }
    siteConfig: {
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'Storage__TableServiceUri', value: storage.properties.primaryEndpoints.table }
        { name: 'Storage__BlobServiceUri', value: storage.properties.primaryEndpoints.blob }
        // The blob trigger of automatic resync (Event Grid source) reads the files container with the identity too.
        { name: 'FilesContainerName', value: filesContainer }
        { name: 'FilesStorage__blobServiceUri', value: storage.properties.primaryEndpoints.blob }
        { name: 'FilesStorage__queueServiceUri', value: storage.properties.primaryEndpoints.queue }
        { name: 'FilesStorage__credential', value: 'managedidentity' }
        { name: 'Auth__Authority', value: authAuthority }
        { name: 'Auth__Audience', value: authAudience }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD' }
      ]
    }
  }
}

// Blob Data Owner, Queue Data Contributor, Table Data Contributor: data, task hub and deployment packages.
var storageRoles = [
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
]

resource storageAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in storageRoles: {
  name: guid(storage.id, app.id, role)
  scope: storage
  properties: {
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

// Monitoring Metrics Publisher, for Entra-authenticated Application Insights ingestion.
resource insightsAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, app.id, '3913510d-42f4-4e42-8a64-420c390055eb')
  scope: insights
  properties: {
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '3913510d-42f4-4e42-8a64-420c390055eb')
  }
}

// Automatic resync: BlobCreated events of the files container go to the Function App's blob trigger.
resource storageEvents 'Microsoft.EventGrid/systemTopics@2024-06-01-preview' = {
  name: '${name}-storage-events'
  location: location
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource filesChanged 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2024-06-01-preview' = if (subscribeBlobEvents) {
  parent: storageEvents
  name: 'files-changed'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${app.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.FilesContainerChanged&code=${listKeys('${app.id}/host/default', '2023-12-01').systemKeys.blobs_extension}'
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

// Production: Flex Consumption with room to scale out; switch hostingPlan to ElasticPremium for always-warm
// instances (then the pipeline passes packageUrl). Authority and audience come from the pipeline's variables.
using 'main.bicep'

param environmentName = 'prod'
param hostingPlan = 'FlexConsumption'
param maximumInstanceCount = 100
param authAuthority = readEnvironmentVariable('AUTH_AUTHORITY')
param authAudience = readEnvironmentVariable('AUTH_AUDIENCE')
param subscribeBlobEvents = bool(readEnvironmentVariable('SUBSCRIBE_BLOB_EVENTS', 'false'))
param packageUrl = readEnvironmentVariable('PACKAGE_URL', '')

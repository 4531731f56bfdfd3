// Development: Flex Consumption, scales to zero. Authority and audience come from the pipeline's variables.
using 'main.bicep'

param environmentName = 'dev'
param hostingPlan = 'FlexConsumption'
param maximumInstanceCount = 10
param authAuthority = readEnvironmentVariable('AUTH_AUTHORITY', 'https://login.microsoftonline.com/common/v2.0')
param authAudience = readEnvironmentVariable('AUTH_AUDIENCE', 'api://syncfunctions-dev')
param subscribeBlobEvents = bool(readEnvironmentVariable('SUBSCRIBE_BLOB_EVENTS', 'false'))

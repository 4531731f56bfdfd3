using Azure.Storage.Blobs.Models;
using Sync.Http.Routing;
using Sync.Storage;

namespace Sync.LocalHost;

/// <summary>
/// Lets browser apps of the configured origins PUT to the Storage API's upload URLs and GET download URLs on the
/// local blob service (Azurite), whose CORS rules are its own: written at start-up from <c>Cors:AllowedOrigins</c>.
/// On Azure the template sets the same rules on the storage account.
/// </summary>
public sealed class AzuriteBlobCors(StorageAccount storage, CorsSettings cors, ILogger<AzuriteBlobCors> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (cors.AllowedOrigins.Length == 0)
        {
            return;
        }

        var properties = (await storage.Blobs.GetPropertiesAsync(cancellationToken)).Value;
        properties.Cors =
        [
            new BlobCorsRule
            {
                AllowedOrigins = string.Join(',', cors.AllowedOrigins),
                AllowedMethods = "GET,HEAD,PUT,OPTIONS",
                AllowedHeaders = "*",
                ExposedHeaders = "ETag,x-ms-request-id",
                MaxAgeInSeconds = (int)cors.PreflightMaxAge.TotalSeconds,
            },
        ];
        await storage.Blobs.SetPropertiesAsync(properties, cancellationToken);
        logger.LogInformation("Blob service CORS allows {Origins}", string.Join(", ", cors.AllowedOrigins));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

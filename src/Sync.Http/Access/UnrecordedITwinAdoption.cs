using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sync.Engine.Stores;

namespace Sync.Http.Access;

/// <summary>
/// Gives iTwins used before access control existed (iModels and files refer to them, no iTwin record does) the
/// Owner named by <see cref="AccessOptions.AdoptUnownedITwinsAs"/>, once, when a host starts. Without the setting,
/// such data stays unreachable until someone is made its Owner this way.
/// </summary>
public sealed class UnrecordedITwinAdoption(IITwinStore iTwins, AccessOptions options, ILogger<UnrecordedITwinAdoption> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.AdoptUnownedITwinsAs))
        {
            return;
        }

        var adopted = await iTwins.AdoptUnrecordedAsync(options.AdoptUnownedITwinsAs.Trim(), cancellationToken);
        logger.LogInformation("Adopted {Count} iTwins without a record; their Owner is the configured user", adopted.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

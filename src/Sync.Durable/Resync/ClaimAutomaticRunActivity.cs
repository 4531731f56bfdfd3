using Microsoft.DurableTask;
using Sync.Durable.Runs;
using Sync.Engine.Model;
using Sync.Engine.Runs;
using Sync.Engine.Stores;

namespace Sync.Durable.Resync;

/// <summary>Claims a storage connection for an automatic run, under the run's own id, exactly as a run request would.</summary>
public sealed class ClaimAutomaticRunActivity(IConnectionStore connections, RunClaims claims) : TaskActivity<RunInput, RunClaim>
{
    public override async Task<RunClaim> RunAsync(TaskActivityContext context, RunInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var connection = await connections.GetAsync(input.ConnectionId, CancellationToken.None).ConfigureAwait(false);
        if (connection is not { Kind: ConnectionKind.Storage })
        {
            return new RunClaim(RunClaimOutcome.ConnectionGone, input.RunId);
        }

        return await claims.ClaimAsync(connection, RunTriggers.Automatic, input.RunId, CancellationToken.None).ConfigureAwait(false);
    }
}

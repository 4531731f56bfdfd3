using Sync.Engine.Model;
using Sync.Engine.Stores;

namespace Sync.Engine.Runs;

public enum RunClaimOutcome
{
    /// <summary>The connection is this run's and its Queued record is written.</summary>
    Claimed,

    /// <summary>Another run of the connection is live: <see cref="RunClaim.ActiveRunId"/>.</summary>
    Active,

    /// <summary>The connection no longer exists.</summary>
    ConnectionGone,

    /// <summary>Stale claims kept reappearing while this one freed them: the caller may try again later.</summary>
    Contended,
}

public sealed record RunClaim(RunClaimOutcome Outcome, string RunId, string? ActiveRunId = null);

/// <summary>
/// Makes a connection's next run: one conditional write claims the connection (so simultaneous starts, manual or
/// automatic, never make two runs), a stale claim no live run stands behind is freed on the way, and the run's
/// Queued record is written. Both the runs API and automatic resync start runs through here.
/// </summary>
public sealed class RunClaims(IConnectionStore connections, IRunStore runs, AbandonedRuns abandoned, TimeProvider clock)
{
    private const int Attempts = 3;

    /// <param name="runId">The id to claim with (an automatic run's orchestration already has it); null makes a new one.</param>
    public async Task<RunClaim> ClaimAsync(Connection connection, string trigger, string? runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        string id = runId ?? Run.NewId(clock.GetUtcNow());
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            string? active = await connections.TryBeginRunAsync(connection.Id, id, cancellationToken).ConfigureAwait(false);
            if (active is null)
            {
                return new RunClaim(RunClaimOutcome.ConnectionGone, id);
            }

            if (active != id)
            {
                var activeRun = await runs.GetAsync(connection.Id, active, cancellationToken).ConfigureAwait(false);
                if (await abandoned.TryFreeConnectionAsync(connection, active, activeRun, cancellationToken).ConfigureAwait(false))
                {
                    // The claim was stale (its run ended, died, or never got a record): claim again.
                    id = runId ?? Run.NewId(clock.GetUtcNow());
                    continue;
                }

                return new RunClaim(RunClaimOutcome.Active, id, active);
            }

            // Claimed (or claimed before by this same id, when a retried caller comes back): write the record once.
            if (await runs.GetAsync(connection.Id, id, cancellationToken).ConfigureAwait(false) is null)
            {
                var run = new Run(id, connection.Id, RunStates.Queued, RunResults.Undetermined, clock.GetUtcNow(), null, null, [], null, null) { Trigger = trigger };
                await runs.CreateAsync(run, cancellationToken).ConfigureAwait(false);
            }

            return new RunClaim(RunClaimOutcome.Claimed, id);
        }

        return new RunClaim(RunClaimOutcome.Contended, id);
    }

    /// <summary>Ends a claimed run that could not be scheduled, and frees its connection.</summary>
    public async Task FailToScheduleAsync(Connection connection, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var run = await runs.GetAsync(connection.Id, runId, cancellationToken).ConfigureAwait(false);
        if (run is not null)
        {
            await runs.SaveAsync(run with { State = RunStates.Completed, Result = RunResults.Error, EndDateTime = clock.GetUtcNow(), Error = new RunError("RunOrchestrationError", "The run could not be scheduled.") }, cancellationToken).ConfigureAwait(false);
        }

        await connections.EndRunAsync(connection.Id, runId, cancellationToken).ConfigureAwait(false);
    }
}

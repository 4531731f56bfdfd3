using Sync.Engine.Model;
using Sync.Engine.Stores;

namespace Sync.Engine.Runs;

/// <summary>
/// Ends runs that stopped showing signs of life (no write to their record for <see cref="RunOptions.AbandonAfter"/>),
/// so a host that never comes back cannot hold its connection forever. The record says whether the run had
/// committed its changeset before it went silent.
/// </summary>
public sealed class AbandonedRuns(IRunStore runs, IConnectionStore connections, IChangesetLog log, RunOptions options, TimeProvider clock)
{
    /// <summary>How long a claimed run may be without a record: the request creating it is taking that long only if it died.</summary>
    public static readonly TimeSpan UnrecordedClaimExpiry = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Frees a connection's active-run claim that no live run stands behind: its run completed without clearing
    /// it, was silent for too long (ended here as abandoned), or never got a record. False when the run is live.
    /// </summary>
    public async Task<bool> TryFreeConnectionAsync(Connection connection, string activeRunId, Run? record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (record is null)
        {
            // Another request is creating the record right now, unless its claim is long past.
            if (clock.GetUtcNow() - (Run.CreatedAt(activeRunId) ?? DateTimeOffset.MinValue) < UnrecordedClaimExpiry)
            {
                return false;
            }
        }
        else if (record.IsActive)
        {
            return IsAbandoned(record) && await TryEndAsync(connection, record, cancellationToken).ConfigureAwait(false);
        }

        await connections.EndRunAsync(connection.Id, activeRunId, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public bool IsAbandoned(Run run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.IsActive && clock.GetUtcNow() - (run.UpdatedDateTime ?? run.StartDateTime ?? DateTimeOffset.MinValue) > options.AbandonAfter;
    }

    /// <summary>
    /// Ends <paramref name="run"/> as abandoned and frees its connection, unless it wrote its record in the
    /// meantime. Returns whether the run is now ended (by this call or already).
    /// </summary>
    public async Task<bool> TryEndAsync(Connection connection, Run run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(run);
        var commit = await log.GetRunCommitAsync(connection.IModelId, run.Id, cancellationToken).ConfigureAwait(false);
        var lastSign = run.UpdatedDateTime ?? run.StartDateTime;
        string pushed = commit?.Changeset is { } changeset
            ? $"it had pushed changeset {changeset.Index} ({changeset.Id}) before"
            : "nothing it had read was pushed";
        var error = new RunError(
            "RunAbandoned",
            $"The run stopped reporting progress at {lastSign:u} and was given up after {options.AbandonAfter} without a sign of life (its host stopped); {pushed}. Start a new run to synchronize the remaining changes.");
        await runs.UpdateAsync(connection.Id, run.Id, current => IsAbandoned(current)
            ? current with
            {
                State = RunStates.Completed,
                Result = RunResults.Error,
                Error = error,
                EndDateTime = clock.GetUtcNow(),
                ChangesetId = commit?.Changeset?.Id,
                ChangesetIndex = commit?.Changeset?.Index,
            }
            : current, cancellationToken).ConfigureAwait(false);

        var after = await runs.GetAsync(connection.Id, run.Id, cancellationToken).ConfigureAwait(false);
        if (after is { IsActive: true })
        {
            return false;
        }

        await connections.EndRunAsync(connection.Id, run.Id, cancellationToken).ConfigureAwait(false);
        return true;
    }
}

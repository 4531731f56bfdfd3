using Microsoft.DurableTask.Entities;

namespace Sync.Durable.Runs;

/// <summary>
/// Makes execution exact: at most one run of a connection (the entity key) executes at a time. A holder whose
/// run record is already final (its host never came back and the run was ended as abandoned, see
/// <see cref="Sync.Engine.Runs.AbandonedRuns"/>) is not waited for: the new run takes the lock over by naming it in
/// <see cref="LockRequest.Supersedes"/>, and the old run, should it ever resume, finds it no longer
/// <see cref="Holds"/> the lock and pushes nothing.
/// </summary>
public sealed class ConnectionRunLock : TaskEntity<ConnectionRunLock.LockState>
{
    /// <summary>Takes the lock if it is free, already this run's, or held by the run it supersedes; returns the holder after the call.</summary>
    public string TryAcquire(LockRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (State.Holder is null || State.Holder == request.RunId || State.Holder == request.Supersedes)
        {
            State = new LockState { Holder = request.RunId };
        }

        return State.Holder!;
    }

    public bool Holds(string runId) => State.Holder == runId;

    public void Release(string runId)
    {
        if (State.Holder == runId)
        {
            State = new LockState();
        }
    }

    public sealed class LockState
    {
        public string? Holder { get; set; }
    }
}

/// <param name="Supersedes">A run whose record is final but which still holds the lock: this run may take it over.</param>
public sealed record LockRequest(string RunId, string? Supersedes);

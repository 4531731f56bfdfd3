using Microsoft.DurableTask.Entities;

namespace Sync.Durable.Runs;

/// <summary>
/// Makes execution exact: at most one run of a connection (the entity key) executes at a time. A holder that
/// never released it (its host died for good) loses it after <see cref="Expiry"/>.
/// </summary>
public sealed class ConnectionRunLock : TaskEntity<ConnectionRunLock.LockState>
{
    public static readonly TimeSpan Expiry = TimeSpan.FromHours(6);

    public bool TryAcquire(string runId)
    {
        var now = DateTimeOffset.UtcNow;
        if (State.Holder is null || State.Holder == runId || now - State.AcquiredAt > Expiry)
        {
            State = new LockState { Holder = runId, AcquiredAt = now };
            return true;
        }

        return false;
    }

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

        public DateTimeOffset AcquiredAt { get; set; }
    }
}

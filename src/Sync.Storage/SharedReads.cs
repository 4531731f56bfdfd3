using System.Collections.Concurrent;

namespace Sync.Storage;

/// <summary>
/// Concurrent reads of one key share a storage round trip without ever answering from before a request arrived: a
/// request never joins a read already under way, only the one that starts when it ends. So every answer was read
/// after its request came, as if the request had read alone, whichever host wrote last. Under load a key has one
/// read in flight and one gathering requests; without load a request reads at once, as before.
/// </summary>
/// <remarks>
/// Answers are shared between requests, so <typeparamref name="TValue"/> must be immutable. The shared read is not
/// cancelled by one request going away (the others still wait for it); each request stops waiting on its own token.
/// </remarks>
internal sealed class SharedReads<TKey, TValue>(Func<TKey, CancellationToken, Task<TValue>> read)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Slot> _slots = new();

    public Task<TValue> ReadAsync(TKey key, CancellationToken cancellationToken)
    {
        var slot = _slots.GetOrAdd(key, static _ => new Slot());
        TaskCompletionSource<TValue>? alone = null;
        Task<TValue> answer;
        lock (slot)
        {
            if (slot.Running is null)
            {
                alone = NewAnswer();
                answer = slot.Running = alone.Task;
            }
            else
            {
                slot.Next ??= NewAnswer();
                answer = slot.Next.Task;
            }
        }

        if (alone is not null)
        {
            // Started outside the lock: a read that completes at once hands over before this returns.
            _ = AnswerAsync(key, slot, alone);
        }

        return answer.WaitAsync(cancellationToken);
    }

    private static TaskCompletionSource<TValue> NewAnswer() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<TValue> ReadThenHandOverAsync(TKey key, Slot slot)
    {
        try
        {
            return await read(key, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            HandOver(key, slot);
        }
    }

    /// <summary>The read of a slot has ended: the requests that gathered meanwhile get a read of their own, started now.</summary>
    private void HandOver(TKey key, Slot slot)
    {
        TaskCompletionSource<TValue>? gathered;
        lock (slot)
        {
            gathered = slot.Next;
            slot.Next = null;
            if (gathered is null)
            {
                slot.Running = null;
                // An idle key is forgotten. A request that took this slot just before may still start a read on it
                // while the next request makes a new slot: two reads at once, which is only less sharing.
                _slots.TryRemove(new KeyValuePair<TKey, Slot>(key, slot));
                return;
            }

            slot.Running = gathered.Task;
        }

        _ = AnswerAsync(key, slot, gathered);
    }

    private async Task AnswerAsync(TKey key, Slot slot, TaskCompletionSource<TValue> gathered)
    {
        try
        {
            gathered.SetResult(await ReadThenHandOverAsync(key, slot).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            gathered.SetException(e);
        }
    }

    private sealed class Slot
    {
        public Task<TValue>? Running { get; set; }

        public TaskCompletionSource<TValue>? Next { get; set; }
    }
}

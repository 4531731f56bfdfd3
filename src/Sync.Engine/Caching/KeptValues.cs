using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Sync.Engine.Caching;

/// <summary>
/// Values kept in memory by key, at most <paramref name="capacity"/> of them: when full, a new key starts the set
/// again empty. For values that never change once known (or that carry their own expiry) and cost one read to get
/// again, where an exact least-recently-used order would cost more on every hit than it saves.
/// </summary>
public sealed class KeptValues<TKey, TValue>(int capacity, IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TValue> _values = new(comparer);

    public bool TryGet(TKey key, [MaybeNullWhen(false)] out TValue value) => _values.TryGetValue(key, out value);

    /// <returns><paramref name="value"/>.</returns>
    public TValue Keep(TKey key, TValue value)
    {
        if (!_values.ContainsKey(key) && _values.Count >= capacity)
        {
            _values.Clear();
        }

        _values[key] = value;
        return value;
    }

    public void Forget(TKey key) => _values.TryRemove(key, out _);
}

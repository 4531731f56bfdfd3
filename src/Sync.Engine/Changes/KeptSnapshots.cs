namespace Sync.Engine.Changes;

/// <summary>
/// Whole snapshots this host has loaded or written, by blob name, up to a total entry count (oldest first out).
/// A patch's base is read by every diff of its file until the base is rewritten, and a diff right after a first
/// sync reads what that sync wrote: kept, neither is downloaded again. Snapshot blobs never change once written (each
/// run writes blobs of its own names), so a kept copy is always the blob's content; another host that has not kept it
/// downloads it as before.
/// </summary>
public sealed class KeptSnapshots(long maxEntries)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entries> _kept = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private long _entries;

    /// <summary>The most entries kept in all; a larger snapshot is not kept.</summary>
    public long MaxEntries => maxEntries;

    internal bool TryGet(string name, out Entries entries)
    {
        lock (_gate)
        {
            return _kept.TryGetValue(name, out entries);
        }
    }

    /// <summary>Keeps a whole snapshot's entries; the arrays must not change afterwards.</summary>
    internal void Keep(string name, long[] ids, UInt128[] checksums, int count)
    {
        if (count > maxEntries)
        {
            return;
        }

        lock (_gate)
        {
            if (_kept.ContainsKey(name))
            {
                return;
            }

            while (_entries + count > maxEntries && _order.TryDequeue(out string? oldest))
            {
                if (_kept.Remove(oldest, out var gone))
                {
                    _entries -= gone.Count;
                }
            }

            _kept[name] = new Entries(ids, checksums, count);
            _order.Enqueue(name);
            _entries += count;
        }
    }

    internal readonly record struct Entries(long[] Ids, UInt128[] Checksums, int Count);
}

using System.IO.Hashing;
using System.Text;

namespace Sync.Engine.Connectors.Dxf;

/// <summary>
/// One string per distinct name (entity types, layers, linetypes, block names, subclass markers, owners), not one
/// per occurrence: a million entities on 16 layers make 16 layer strings. A small direct-mapped table; a collision
/// only costs a new string.
/// </summary>
internal sealed class DxfTextCache
{
    private const int MaxNameBytes = 64;
    private readonly (byte[] Bytes, string Text)[] _slots = new (byte[], string)[1024];

    /// <summary>The group codes whose values repeat across records.</summary>
    public static bool IsName(int code) => code is 0 or 2 or 6 or 7 or 8 or 100 or 330 or 1001;

    public string Get(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxNameBytes)
        {
            return Encoding.UTF8.GetString(bytes);
        }

        ref var slot = ref _slots[(int)(XxHash3.HashToUInt64(bytes) & (ulong)(_slots.Length - 1))];
        if (slot.Bytes is not null && bytes.SequenceEqual(slot.Bytes))
        {
            return slot.Text;
        }

        slot = (bytes.ToArray(), Encoding.UTF8.GetString(bytes));
        return slot.Text;
    }
}

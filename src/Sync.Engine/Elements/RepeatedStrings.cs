namespace Sync.Engine.Elements;

/// <summary>
/// The UTF-8 of strings elements repeat as the same instances — a table's property names, the class, the source file
/// — kept by slot (a property's position, say), so that a repeat costs a reference comparison instead of a scan and a
/// transcoding. Only plain strings (printable ASCII without quote or backslash, which JSON writes as they are) are kept.
/// </summary>
internal sealed class RepeatedStrings
{
    private string?[] _texts = new string?[16];
    private byte[][] _bytes = new byte[16][];
    private int[] _lengths = new int[16];

    /// <summary>The UTF-8 of <paramref name="text"/> when it is plain, else false.</summary>
    public bool TryGetPlain(int slot, string text, out ReadOnlySpan<byte> utf8)
    {
        if (slot >= _texts.Length)
        {
            Grow(slot);
        }

        if (!ReferenceEquals(_texts[slot], text))
        {
            _texts[slot] = text;
            if (!CompactJsonWriter.IsPlain(text))
            {
                // Remembered as not plain, so a repeat of it is not scanned again.
                _lengths[slot] = -1;
                utf8 = default;
                return false;
            }

            // The slot's buffer is reused: connectors that make new name strings for every element cost no allocation.
            var bytes = _bytes[slot];
            if (bytes is null || bytes.Length < text.Length)
            {
                _bytes[slot] = bytes = new byte[Math.Max(text.Length, 32)];
            }

            System.Text.Ascii.FromUtf16(text, bytes, out _);
            _lengths[slot] = text.Length;
        }

        int length = _lengths[slot];
        utf8 = length < 0 ? default : _bytes[slot].AsSpan(0, length);
        return length >= 0;
    }

    private void Grow(int slot)
    {
        int size = Math.Max(slot + 1, _texts.Length * 2);
        Array.Resize(ref _texts, size);
        Array.Resize(ref _bytes, size);
        Array.Resize(ref _lengths, size);
    }
}

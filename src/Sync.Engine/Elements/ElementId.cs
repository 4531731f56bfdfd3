using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Sync.Engine.Elements;

/// <summary>
/// Element ids are deterministic: a 63-bit hash of (iModel, source file, identifier), written "0x…" as iModel
/// element ids are. Retries and re-runs therefore produce the same ids, and a file's snapshot needs no table
/// from identifiers to ids.
/// </summary>
public static class ElementId
{
    public static long For(Guid iModelId, string sourceFileId, string identifier)
    {
        ArgumentNullException.ThrowIfNull(sourceFileId);
        ArgumentNullException.ThrowIfNull(identifier);
        int length = 16 + Encoding.UTF8.GetMaxByteCount(sourceFileId.Length + identifier.Length + 1);
        byte[]? rented = length > 512 ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> buffer = rented ?? stackalloc byte[length];
        try
        {
            iModelId.TryWriteBytes(buffer);
            int n = 16 + Encoding.UTF8.GetBytes(sourceFileId, buffer[16..]);
            buffer[n++] = 0;
            n += Encoding.UTF8.GetBytes(identifier, buffer[n..]);
            // Positive and non-zero, so it reads as an ordinary id and sorts the same signed or unsigned.
            long id = (long)(XxHash64.HashToUInt64(buffer[..n]) >> 1);
            return id == 0 ? 1 : id;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public static string Format(long id) => "0x" + id.ToString("x", CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out long id)
    {
        id = 0;
        return text is not null && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out id) && id > 0;
    }
}

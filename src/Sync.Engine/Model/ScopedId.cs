using System.Buffers.Text;
using System.Security.Cryptography;

namespace Sync.Engine.Model;

/// <summary>
/// Opaque 43-character base64url ids (32 bytes) that carry the GUID of their owner (iModel or iTwin) in the
/// first 16 bytes, followed by 16 random bytes. A lookup by id alone then knows its storage partition
/// without a second index, and the ids look like Bentley's opaque connection and file ids.
/// </summary>
public static class ScopedId
{
    private const int Length = 43;

    public static string New(Guid scope)
    {
        Span<byte> bytes = stackalloc byte[32];
        scope.TryWriteBytes(bytes[..16]);
        RandomNumberGenerator.Fill(bytes[16..]);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>The one id of its scope whose random part is zero (e.g. an iTwin's root folder).</summary>
    public static string Fixed(Guid scope)
    {
        Span<byte> bytes = stackalloc byte[32];
        bytes.Clear();
        scope.TryWriteBytes(bytes[..16]);
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryGetScope(string? id, out Guid scope)
    {
        scope = Guid.Empty;
        if (id is null || id.Length != Length)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[33];
        if (Base64Url.DecodeFromChars(id, bytes, out _, out int written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return false;
        }

        scope = new Guid(bytes[..16]);
        return scope != Guid.Empty;
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Sync.Engine.Connectors.Geometry;
using Sync.Engine.Connectors.Streams;
using Sync.Engine.Elements;

namespace Sync.Engine.Connectors.Mesh;

/// <summary>
/// STL, ASCII and binary: one element per solid (ASCII files may hold several; a binary file is one), identifier =
/// the solid's name (repeats get "[n]"; unnamed ones "solid"), class MSTN:StlSolid, its triangle count and box. A
/// binary file whose triangle count does not match its size is refused, as is an ASCII file cut inside a solid.
/// </summary>
internal static class StlReader
{
    private const int HeaderBytes = 80;
    private const int TriangleBytes = 50;

    public static async IAsyncEnumerable<SourceElement> ReadAsync(Stream content, string fileName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Binary STL headers may begin with "solid" too: an ASCII file is text from its first bytes on.
        var head = new byte[HeaderBytes + 4];
        int read = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (!IsAsciiStl(head.AsSpan(0, read)))
        {
            if (read < head.Length)
            {
                throw new SourceFormatException($"'{fileName}' is not an STL file: too short for a binary STL ({read} bytes) and no ASCII 'solid' header.");
            }

            uint declared = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(HeaderBytes));
            yield return await ReadBinaryAsync(content, head, declared, fileName, cancellationToken).ConfigureAwait(false);
            yield break;
        }

        using var reader = new StreamReader(new PrefixedStream(head.AsMemory(0, read), content), Encoding.ASCII, false, 1 << 16, leaveOpen: true);
        var names = new SiblingNames();
        string? solid = null;
        long triangles = 0, lineNumber = 0;
        var box = new Bounds3d();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            string text = line.Trim();
            if (text.StartsWith("solid", StringComparison.OrdinalIgnoreCase) && solid is null)
            {
                solid = text.Length > 5 ? text[5..].Trim() : string.Empty;
                triangles = 0;
                box = new Bounds3d();
            }
            else if (text.StartsWith("vertex", StringComparison.OrdinalIgnoreCase))
            {
                box.Add(Vertex(text, fileName, lineNumber));
            }
            else if (text.StartsWith("endfacet", StringComparison.OrdinalIgnoreCase))
            {
                triangles++;
            }
            else if (text.StartsWith("endsolid", StringComparison.OrdinalIgnoreCase))
            {
                yield return Solid(solid ?? string.Empty, names, triangles, box);
                solid = null;
            }
        }

        if (solid is not null)
        {
            throw new SourceFormatException($"'{fileName}' ends inside solid '{solid}' (no endsolid): truncated?");
        }
    }

    private static async Task<SourceElement> ReadBinaryAsync(Stream content, byte[] head, uint declared, string fileName, CancellationToken cancellationToken)
    {
        var box = new Bounds3d();
        var buffer = new byte[TriangleBytes * 4096];
        for (long done = 0; done < declared;)
        {
            int batch = (int)Math.Min(4096, declared - done);
            int read = await content.ReadAtLeastAsync(buffer.AsMemory(0, batch * TriangleBytes), batch * TriangleBytes, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < batch * TriangleBytes)
            {
                throw new SourceFormatException($"'{fileName}' is a binary STL that declares {declared} triangles but ends after {done + (read / TriangleBytes)}: truncated?");
            }

            for (int t = 0; t < batch; t++)
            {
                var triangle = buffer.AsSpan(t * TriangleBytes, TriangleBytes);
                for (int v = 0; v < 3; v++)
                {
                    var at = triangle[(12 + (v * 12))..];
                    box.Add(new Vector3d(
                        BinaryPrimitives.ReadSingleLittleEndian(at),
                        BinaryPrimitives.ReadSingleLittleEndian(at[4..]),
                        BinaryPrimitives.ReadSingleLittleEndian(at[8..])));
                }
            }

            done += batch;
        }

        if (await content.ReadAsync(buffer.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) > 0)
        {
            throw new SourceFormatException($"'{fileName}' is a binary STL that declares {declared} triangles but holds more bytes than those: its count is wrong or the file is damaged.");
        }

        string name = Encoding.ASCII.GetString(head, 0, HeaderBytes).TrimEnd('\0', ' ');
        name = name.StartsWith("solid", StringComparison.Ordinal) ? name[5..].Trim() : string.Empty;
        return Solid(name, new SiblingNames(), declared, box);
    }

    private static bool IsAsciiStl(ReadOnlySpan<byte> head)
    {
        if (!head.StartsWith("solid"u8))
        {
            return false;
        }

        foreach (byte b in head)
        {
            if (b is not ((>= 0x20 and < 0x7F) or (byte)'\n' or (byte)'\r' or (byte)'\t'))
            {
                return false;
            }
        }

        return head.Contains((byte)'\n') || head.Length < HeaderBytes + 4;
    }

    private static SourceElement Solid(string name, SiblingNames names, long triangles, Bounds3d box)
    {
        string identifier = names.Next(name.Length == 0 ? "solid" : name);

        var properties = new List<KeyValuePair<string, object>> { new("TriangleCount", triangles) };
        if (name.Length > 0)
        {
            properties.Add(new("Name", name));
        }

        return new SourceElement(identifier, "MSTN:StlSolid", SourceProperties.SortedByName(properties), name.Length > 0 ? name : null, null, null, box.ToBoundingBox());
    }

    private static Vector3d Vertex(string text, string fileName, long line)
    {
        var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 4
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
            || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double y)
            || !double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out double z))
        {
            throw new SourceFormatException($"'{fileName}' line {line}: a vertex needs three numbers.");
        }

        return new Vector3d(x, y, z);
    }
}

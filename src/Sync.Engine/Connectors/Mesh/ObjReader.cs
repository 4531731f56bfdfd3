using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Sync.Engine.Connectors.Geometry;
using Sync.Engine.Elements;

namespace Sync.Engine.Connectors.Mesh;

/// <summary>
/// Wavefront OBJ: one element per object (<c>o</c>), or per group (<c>g</c>) in files without objects, with its face
/// and vertex counts, group and material (<c>usemtl</c>) names and the box of the vertices its faces use. Faces
/// may use negative (relative) indices; an index outside the vertices read so far is an error with its line.
/// </summary>
internal sealed class ObjReader(string fileName)
{
    private readonly List<Vector3d> _vertices = [];
    private readonly SiblingNames _names = new();
    private Part? _part;
    private string? _group;
    private string? _material;
    private bool _sawObjects;

    public async IAsyncEnumerable<SourceElement> ReadAsync(Stream content, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        long lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (Line(line, ++lineNumber) is { } finished)
            {
                yield return finished;
            }
        }

        if (Finish() is { } last)
        {
            yield return last;
        }
    }

    /// <summary>One line; the element of a part the line ends (a new object or group begins), if any.</summary>
    private SourceElement? Line(string line, long lineNumber)
    {
        var text = line.AsSpan().Trim();
        if (text.IsEmpty || text[0] == '#')
        {
            return null;
        }

        int space = text.IndexOfAny(' ', '\t');
        var keyword = space < 0 ? text : text[..space];
        var rest = space < 0 ? [] : text[(space + 1)..].Trim();
        SourceElement? finished = null;
        switch (keyword)
        {
            case "v":
                _vertices.Add(Point(rest, lineNumber));
                break;
            case "f":
                Current().AddFace(rest, _vertices, lineNumber, fileName);
                break;
            case "o":
                finished = Finish();
                _sawObjects = true;
                _part = new Part(rest.ToString());
                break;
            case "g":
                _group = rest.ToString();
                if (!_sawObjects)
                {
                    finished = Finish();
                    _part = new Part(_group);
                }
                else
                {
                    Current().Groups.Add(_group);
                }

                break;
            case "usemtl":
                _material = rest.ToString();
                Current().Materials.Add(_material);
                break;
        }

        return finished;
    }

    private Part Current() => _part ??= new Part(_group ?? "default");

    private SourceElement? Finish()
    {
        var part = _part;
        _part = null;
        if (part is null || (part.Faces == 0 && part.Name.Length == 0))
        {
            return null;
        }

        if (_material is not null && part.Materials.Count == 0)
        {
            part.Materials.Add(_material); // the material in force when the part began
        }

        string name = part.Name.Length == 0 ? "unnamed" : part.Name;
        string identifier = _names.Next(name);
        var properties = new List<KeyValuePair<string, object>>
        {
            new("Name", name),
            new("FaceCount", part.Faces),
            new("VertexCount", (long)part.Used.Count),
        };
        if (part.Materials.Count > 0)
        {
            properties.Add(new("Materials", string.Join(", ", part.Materials)));
        }

        if (part.Groups.Count > 0)
        {
            properties.Add(new("Groups", string.Join(", ", part.Groups)));
        }

        return new SourceElement(identifier, _sawObjects ? "MSTN:ObjObject" : "MSTN:ObjGroup", SourceProperties.SortedByName(properties), name, null, null, part.Box.ToBoundingBox());
    }

    private Vector3d Point(ReadOnlySpan<char> rest, long line)
    {
        Span<Range> parts = stackalloc Range[5];
        int count = rest.SplitAny(parts, " \t", StringSplitOptions.RemoveEmptyEntries);
        if (count < 3
            || !double.TryParse(rest[parts[0]], NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
            || !double.TryParse(rest[parts[1]], NumberStyles.Float, CultureInfo.InvariantCulture, out double y)
            || !double.TryParse(rest[parts[2]], NumberStyles.Float, CultureInfo.InvariantCulture, out double z))
        {
            throw new SourceFormatException($"'{fileName}' line {line}: a vertex needs three numbers, not '{Shorten(rest)}'.");
        }

        return new Vector3d(x, y, z);
    }

    private static string Shorten(ReadOnlySpan<char> text) => text.Length > 40 ? text[..40].ToString() + "…" : text.ToString();

    private sealed class Part(string name)
    {
        public string Name { get; } = name;

        public long Faces { get; private set; }

        public HashSet<int> Used { get; } = [];

        public SortedSet<string> Materials { get; } = new(StringComparer.Ordinal);

        public SortedSet<string> Groups { get; } = new(StringComparer.Ordinal);

        public Bounds3d Box;

        public void AddFace(ReadOnlySpan<char> rest, List<Vector3d> vertices, long line, string fileName)
        {
            int corners = 0;
            foreach (var range in rest.SplitAny(" \t"))
            {
                var corner = rest[range];
                if (corner.IsEmpty)
                {
                    continue;
                }

                int slash = corner.IndexOf('/');
                var index = slash < 0 ? corner : corner[..slash];
                if (!int.TryParse(index, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int i) || i == 0)
                {
                    throw new SourceFormatException($"'{fileName}' line {line}: '{corner.ToString()}' is not a vertex reference.");
                }

                int at = i > 0 ? i - 1 : vertices.Count + i;
                if (at < 0 || at >= vertices.Count)
                {
                    throw new SourceFormatException($"'{fileName}' line {line}: the face uses vertex {i}, but only {vertices.Count} vertices come before it.");
                }

                Used.Add(at);
                Box.Add(vertices[at]);
                corners++;
            }

            if (corners < 3)
            {
                throw new SourceFormatException($"'{fileName}' line {line}: a face needs at least three vertices.");
            }

            Faces++;
        }
    }
}

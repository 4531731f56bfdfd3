using System.Buffers;
using System.IO.Hashing;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sync.Engine.Elements;

/// <summary>
/// The canonical JSON of a converted element: fixed field order, properties sorted by name, invariant numbers.
/// The same bytes are hashed (XxHash128) for the element's checksum and written into changesets, so an element
/// is serialized once per sync. Column order, file bytes or whitespace do not change a checksum; values do.
/// </summary>
public sealed class CanonicalElement : IDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;
    private KeyValuePair<string, object>[] _sorted = new KeyValuePair<string, object>[16];

    public CanonicalElement()
    {
        _writer = new Utf8JsonWriter(_buffer, WriterOptions);
    }

    /// <summary>The JSON of the last element written; valid until the next <see cref="Write"/>.</summary>
    public ReadOnlySpan<byte> Json => _buffer.WrittenSpan;

    public ReadOnlyMemory<byte> JsonMemory => _buffer.WrittenMemory;

    /// <summary>Serializes one element (its element id and source file included) and returns its checksum.</summary>
    public UInt128 Write(SourceElement element, string sourceFileId, long parentId)
    {
        ArgumentNullException.ThrowIfNull(element);
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteString("classFullName", element.ClassName);
        _writer.WriteString("sourceFileId", sourceFileId);
        _writer.WriteString("identifier", element.Identifier);
        if (parentId != 0)
        {
            _writer.WriteString("parentId", ElementId.Format(parentId));
        }

        if (element.UserLabel is not null)
        {
            _writer.WriteString("userLabel", element.UserLabel);
        }

        _writer.WriteStartObject("properties");
        int count = element.Properties.Count;
        if (_sorted.Length < count)
        {
            _sorted = new KeyValuePair<string, object>[Math.Max(count, _sorted.Length * 2)];
        }

        for (int i = 0; i < count; i++)
        {
            _sorted[i] = element.Properties[i];
        }

        Array.Sort(_sorted, 0, count, PropertyOrder.Instance);
        for (int i = 0; i < count; i++)
        {
            var (name, value) = _sorted[i];
            _writer.WritePropertyName(name);
            WriteValue(value);
        }

        _writer.WriteEndObject();
        if (element.Placement is { } p)
        {
            _writer.WriteStartObject("placement");
            _writer.WriteNumber("x", p.X);
            _writer.WriteNumber("y", p.Y);
            _writer.WriteNumber("z", p.Z);
            _writer.WriteEndObject();
        }

        if (element.BoundingBox is { } b)
        {
            _writer.WriteStartObject("bbox");
            _writer.WriteStartArray("low");
            _writer.WriteNumberValue(b.LowX);
            _writer.WriteNumberValue(b.LowY);
            _writer.WriteNumberValue(b.LowZ);
            _writer.WriteEndArray();
            _writer.WriteStartArray("high");
            _writer.WriteNumberValue(b.HighX);
            _writer.WriteNumberValue(b.HighY);
            _writer.WriteNumberValue(b.HighZ);
            _writer.WriteEndArray();
            _writer.WriteEndObject();
        }

        _writer.WriteEndObject();
        _writer.Flush();
        return XxHash128.HashToUInt128(_buffer.WrittenSpan);
    }

    private void WriteValue(object value)
    {
        switch (value)
        {
            case string s:
                _writer.WriteStringValue(s);
                break;
            case long l:
                _writer.WriteNumberValue(l);
                break;
            case int i:
                _writer.WriteNumberValue(i);
                break;
            case double d when double.IsFinite(d):
                _writer.WriteNumberValue(d);
                break;
            case bool flag:
                _writer.WriteBooleanValue(flag);
                break;
            default:
                _writer.WriteStringValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }

    public void Dispose() => _writer.Dispose();

    private sealed class PropertyOrder : IComparer<KeyValuePair<string, object>>
    {
        public static readonly PropertyOrder Instance = new();

        public int Compare(KeyValuePair<string, object> x, KeyValuePair<string, object> y) => string.CompareOrdinal(x.Key, y.Key);
    }
}

/// <summary>The schema type name of a property value.</summary>
public static class PropertyTypes
{
    public static string Of(object value) => value switch
    {
        long or int => "long",
        double => "double",
        bool => "boolean",
        _ => "string",
    };
}

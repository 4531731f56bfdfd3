using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sync.Engine.Elements;

/// <summary>
/// The canonical forms of a converted element. Its checksum is an XxHash128 over a compact binary encoding
/// (fields in fixed order, properties sorted by name, typed values), cheap enough to compute for every element
/// of every changed file; its JSON (fixed field order, sorted properties, invariant numbers) is written only
/// for elements that go into a changeset. Column order, file bytes or whitespace change neither; values and
/// value types do.
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

    private readonly ArrayBufferWriter<byte> _binary = new(1024);

    /// <summary>The checksum of an element of a source file (its binary canonical form, hashed).</summary>
    public UInt128 Checksum(SourceElement element, string sourceFileId, long parentId, IReadOnlyList<ResolvedRelationship>? relationships = null)
    {
        ArgumentNullException.ThrowIfNull(element);
        _binary.ResetWrittenCount();
        Text(element.ClassName);
        Text(sourceFileId);
        Text(element.Identifier);
        Int64(parentId);
        Text(element.UserLabel);
        var properties = Sorted(element.Properties, out int count);
        Int64(count);
        for (int i = 0; i < count; i++)
        {
            var (name, value) = properties[i];
            Text(name);
            switch (value)
            {
                case string text:
                    Tag(1);
                    Text(text);
                    break;
                case long number:
                    Tag(2);
                    Int64(number);
                    break;
                case int number:
                    Tag(2);
                    Int64(number);
                    break;
                case double number:
                    Tag(3);
                    Int64(BitConverter.DoubleToInt64Bits(number));
                    break;
                case bool flag:
                    Tag(flag ? (byte)5 : (byte)4);
                    break;
                default:
                    Tag(1);
                    Text(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }

        if (element.Placement is { } p)
        {
            Tag(6);
            Doubles(p.X, p.Y, p.Z);
        }

        if (element.BoundingBox is { } b)
        {
            Tag(7);
            Doubles(b.LowX, b.LowY, b.LowZ);
            Doubles(b.HighX, b.HighY, b.HighZ);
        }

        // Absent for elements without relationships, so their checksums stay what they were before relationships existed.
        if (relationships is { Count: > 0 })
        {
            Tag(8);
            Int64(relationships.Count);
            foreach (var relationship in relationships)
            {
                Text(relationship.Type);
                Int64(relationship.TargetId);
            }
        }

        return XxHash128.HashToUInt128(_binary.WrittenSpan);
    }

    private void Tag(byte tag)
    {
        _binary.GetSpan(1)[0] = tag;
        _binary.Advance(1);
    }

    private void Int64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_binary.GetSpan(8), value);
        _binary.Advance(8);
    }

    private void Doubles(double x, double y, double z)
    {
        Int64(BitConverter.DoubleToInt64Bits(x));
        Int64(BitConverter.DoubleToInt64Bits(y));
        Int64(BitConverter.DoubleToInt64Bits(z));
    }

    /// <summary>Length-prefixed UTF-8 (-1 for null), so no two field sequences encode alike.</summary>
    private void Text(string? text)
    {
        if (text is null)
        {
            Int64(-1);
            return;
        }

        var span = _binary.GetSpan(8 + Encoding.UTF8.GetMaxByteCount(text.Length));
        int written = Encoding.UTF8.GetBytes(text, span[8..]);
        BinaryPrimitives.WriteInt64LittleEndian(span, written);
        _binary.Advance(8 + written);
    }

    /// <summary>The properties in name order: the list itself when already sorted, else a sorted copy.</summary>
    private IReadOnlyList<KeyValuePair<string, object>> Sorted(IReadOnlyList<KeyValuePair<string, object>> properties, out int count)
    {
        count = properties.Count;
        if (IsSorted(properties))
        {
            return properties;
        }

        if (_sorted.Length < count)
        {
            _sorted = new KeyValuePair<string, object>[Math.Max(count, _sorted.Length * 2)];
        }

        for (int i = 0; i < count; i++)
        {
            _sorted[i] = properties[i];
        }

        Array.Sort(_sorted, 0, count, PropertyOrder.Instance);
        return _sorted;
    }

    /// <summary>
    /// Serializes one element (its source file, parent and relationships, sorted, included) as canonical JSON into
    /// <see cref="Json"/>. The parent is also the first relationship, so the list is complete on its own.
    /// </summary>
    public void WriteJson(SourceElement element, string sourceFileId, long parentId, IReadOnlyList<ResolvedRelationship>? relationships = null)
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
        var properties = Sorted(element.Properties, out int count);
        for (int i = 0; i < count; i++)
        {
            _writer.WritePropertyName(properties[i].Key);
            WriteValue(properties[i].Value);
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

        if (parentId != 0 || relationships is { Count: > 0 })
        {
            _writer.WriteStartArray("relationships");
            if (parentId != 0)
            {
                WriteRelationship(ResolvedRelationship.Parent, parentId);
            }

            foreach (var relationship in relationships ?? [])
            {
                WriteRelationship(relationship.Type, relationship.TargetId);
            }

            _writer.WriteEndArray();
        }

        _writer.WriteEndObject();
        _writer.Flush();
    }

    private void WriteRelationship(string type, long targetId)
    {
        _writer.WriteStartObject();
        _writer.WriteString("type", type);
        _writer.WriteString("targetId", ElementId.Format(targetId));
        _writer.WriteEndObject();
    }

    private static bool IsSorted(IReadOnlyList<KeyValuePair<string, object>> properties)
    {
        for (int i = 1; i < properties.Count; i++)
        {
            if (string.CompareOrdinal(properties[i - 1].Key, properties[i].Key) >= 0)
            {
                return false;
            }
        }

        return true;
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

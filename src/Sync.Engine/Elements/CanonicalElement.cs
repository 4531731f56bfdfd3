using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Sync.Engine.Elements;

/// <summary>
/// The canonical forms of a converted element. Its checksum is an XxHash128 over a compact binary encoding
/// (fields in fixed order, properties sorted by name, typed values), cheap enough to compute for every element
/// of every changed file; its JSON (fixed field order, sorted properties, invariant numbers) is written only
/// for elements that go into a changeset. Column order, file bytes or whitespace change neither; values and
/// value types do.
/// </summary>
public sealed class CanonicalElement
{
    private readonly CompactJsonWriter _json = new();
    private KeyValuePair<string, object>[] _sorted = new KeyValuePair<string, object>[16];

    // The element last checksummed and its properties in name order, which its JSON, written next, reuses.
    private SourceElement? _checksummed;
    private IReadOnlyList<KeyValuePair<string, object>>? _checksummedProperties;

    /// <summary>The JSON of the last element written; valid until the next <see cref="WriteJson"/>.</summary>
    public ReadOnlySpan<byte> Json => _json.Written;

    public ReadOnlyMemory<byte> JsonMemory => _json.WrittenMemory;

    private byte[] _binary = new byte[1024];
    private int _binaryLength;

    // The class, the source file and the property names, which elements repeat: slots 0, 1, and 2 on by position.
    private readonly RepeatedStrings _repeated = new();
    private const int ClassSlot = 0, SourceFileSlot = 1, FirstNameSlot = 2;

    /// <summary>The checksum of an element of a source file (its binary canonical form, hashed).</summary>
    public UInt128 Checksum(SourceElement element, string sourceFileId, long parentId, IReadOnlyList<ResolvedRelationship>? relationships = null)
    {
        ArgumentNullException.ThrowIfNull(element);
        _binaryLength = 0;
        Text(ClassSlot, element.ClassName);
        Text(SourceFileSlot, sourceFileId);
        Text(element.Identifier);
        Int64(parentId);
        Text(element.UserLabel);
        var properties = Sorted(element.Properties, out int count);
        _checksummed = element;
        _checksummedProperties = properties;
        Int64(count);
        for (int i = 0; i < count; i++)
        {
            var (name, value) = properties[i];
            Text(FirstNameSlot + i, name);
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

        return XxHash128.HashToUInt128(_binary.AsSpan(0, _binaryLength));
    }

    private void Tag(byte tag)
    {
        Reserve(1)[0] = tag;
        _binaryLength++;
    }

    private void Int64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);
        _binaryLength += 8;
    }

    private Span<byte> Reserve(int count)
    {
        if (_binary.Length - _binaryLength < count)
        {
            Array.Resize(ref _binary, Math.Max(_binary.Length * 2, _binaryLength + count));
        }

        return _binary.AsSpan(_binaryLength);
    }

    private void Doubles(double x, double y, double z)
    {
        Int64(BitConverter.DoubleToInt64Bits(x));
        Int64(BitConverter.DoubleToInt64Bits(y));
        Int64(BitConverter.DoubleToInt64Bits(z));
    }

    /// <summary><see cref="Text(string?)"/> of a string elements repeat, by its slot in <see cref="_repeated"/>.</summary>
    private void Text(int slot, string text)
    {
        if (!_repeated.TryGetPlain(slot, text, out var utf8))
        {
            Text(text);
            return;
        }

        var span = Reserve(8 + utf8.Length);
        BinaryPrimitives.WriteInt64LittleEndian(span, utf8.Length);
        utf8.CopyTo(span[8..]);
        _binaryLength += 8 + utf8.Length;
    }

    /// <summary>Length-prefixed UTF-8 (-1 for null), so no two field sequences encode alike.</summary>
    private void Text(string? text)
    {
        if (text is null)
        {
            Int64(-1);
            return;
        }

        var span = Reserve(8 + Encoding.UTF8.GetMaxByteCount(text.Length));
        int written = Encoding.UTF8.GetBytes(text, span[8..]);
        BinaryPrimitives.WriteInt64LittleEndian(span, written);
        _binaryLength += 8 + written;
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
        var json = _json;
        json.Clear();
        json.Raw("{\"classFullName\":"u8);
        RepeatedString(ClassSlot, element.ClassName);
        json.Raw(",\"sourceFileId\":"u8);
        RepeatedString(SourceFileSlot, sourceFileId);
        json.Raw(",\"identifier\":"u8);
        json.StringValue(element.Identifier);
        if (parentId != 0)
        {
            json.Raw(",\"parentId\":"u8);
            json.ElementIdString(parentId);
        }

        if (element.UserLabel is not null)
        {
            json.Raw(",\"userLabel\":"u8);
            json.StringValue(element.UserLabel);
        }

        json.Raw(",\"properties\":{"u8);
        var properties = ReferenceEquals(element, _checksummed) ? _checksummedProperties! : Sorted(element.Properties, out _);
        int count = element.Properties.Count;
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                json.Raw((byte)',');
            }

            RepeatedString(FirstNameSlot + i, properties[i].Key);
            json.Raw((byte)':');
            WriteValue(properties[i].Value);
        }

        json.Raw((byte)'}');
        if (element.Placement is { } p)
        {
            json.Raw(",\"placement\":{\"x\":"u8);
            Coordinate(p.X);
            json.Raw(",\"y\":"u8);
            Coordinate(p.Y);
            json.Raw(",\"z\":"u8);
            Coordinate(p.Z);
            json.Raw((byte)'}');
        }

        if (element.BoundingBox is { } b)
        {
            json.Raw(",\"bbox\":{\"low\":["u8);
            Numbers(b.LowX, b.LowY, b.LowZ);
            json.Raw("],\"high\":["u8);
            Numbers(b.HighX, b.HighY, b.HighZ);
            json.Raw("]}"u8);
        }

        if (parentId != 0 || relationships is { Count: > 0 })
        {
            json.Raw(",\"relationships\":["u8);
            bool first = true;
            if (parentId != 0)
            {
                WriteRelationship(ResolvedRelationship.Parent, parentId, ref first);
            }

            foreach (var relationship in relationships ?? [])
            {
                WriteRelationship(relationship.Type, relationship.TargetId, ref first);
            }

            json.Raw((byte)']');
        }

        json.Raw((byte)'}');
    }

    private void RepeatedString(int slot, string text)
    {
        if (_repeated.TryGetPlain(slot, text, out var utf8))
        {
            _json.PlainString(utf8);
        }
        else
        {
            _json.StringValue(text);
        }
    }

    private void Numbers(double x, double y, double z)
    {
        Coordinate(x);
        _json.Raw((byte)',');
        Coordinate(y);
        _json.Raw((byte)',');
        Coordinate(z);
    }

    /// <summary>A coordinate of a placement or box: a number, so a connector's NaN or infinity is refused.</summary>
    private void Coordinate(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"A coordinate must be a finite number, not {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}.", nameof(value));
        }

        _json.Number(value);
    }

    private void WriteRelationship(string type, long targetId, ref bool first)
    {
        _json.Raw(first ? "{\"type\":"u8 : ",{\"type\":"u8);
        first = false;
        _json.StringValue(type);
        _json.Raw(",\"targetId\":"u8);
        _json.ElementIdString(targetId);
        _json.Raw((byte)'}');
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
                _json.StringValue(s);
                break;
            case long l:
                _json.Number(l);
                break;
            case int i:
                _json.Number(i);
                break;
            case double d:
                WriteNumber(d);
                break;
            case bool flag:
                _json.Boolean(flag);
                break;
            default:
                WriteText(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>A finite number as a JSON number; NaN and infinities, which JSON cannot hold, as their invariant text.</summary>
    private void WriteNumber(double value)
    {
        if (double.IsFinite(value))
        {
            _json.Number(value);
        }
        else
        {
            _json.StringValue(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private void WriteText(string? text)
    {
        if (text is null)
        {
            _json.Raw("null"u8);
        }
        else
        {
            _json.StringValue(text);
        }
    }

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

    /// <summary>A distinct bit for each name <see cref="Of"/> returns, for sets of types.</summary>
    public static int Bit(string type) => type switch
    {
        "long" => 1,
        "double" => 2,
        "boolean" => 4,
        _ => 8,
    };
}

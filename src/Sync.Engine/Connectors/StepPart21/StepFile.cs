using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Sync.Engine.Connectors.StepPart21;

/// <summary>
/// A STEP physical file (ISO 10303-21, editions 2 and 3): the header and an index of the data section's instances.
/// Loading scans the bytes once and keeps, per instance, only its id, type code and byte range (20 bytes an
/// instance); parameters are parsed when a connector asks for an instance. Strings, comments, complex instances
/// and multiple data sections are understood by the scan; malformed input raises
/// <see cref="SourceFormatException"/> naming the line and column.
/// </summary>
public sealed class StepFile
{
    /// <summary>Deeper nesting than this is refused, so hostile files cannot exhaust the stack.</summary>
    public const int MaxNesting = 64;

    private static readonly SearchValues<byte> InstanceSpecials = SearchValues.Create("'\"/();"u8);
    private readonly byte[] _data;
    private readonly int _length;
    private readonly string _fileName;
    private readonly List<string> _typeNames = [];
    private readonly Dictionary<string, int> _typeCodes = new(StringComparer.Ordinal);
    private long[] _ids = new long[1024];
    private int[] _types = new int[1024];
    private int[] _starts = new int[1024];
    private int[] _ends = new int[1024];
    private int _count;
    private int[]? _dense;
    private int[]? _sortedById;

    private StepFile(byte[] data, int length, string fileName)
    {
        _data = data;
        _length = length;
        _fileName = fileName;
    }

    public IReadOnlyList<StepEntity> Header { get; private set; } = [];

    /// <summary>The schema names of the header's FILE_SCHEMA, e.g. IFC2X3.</summary>
    public IReadOnlyList<string> Schemas { get; private set; } = [];

    public int Count => _count;

    /// <summary>How many distinct type names the data section uses; type codes are 0 to this − 1.</summary>
    public int TypeCount => _typeNames.Count;

    public long IdAt(int index) => _ids[index];

    public int TypeCodeAt(int index) => _types[index];

    public string TypeName(int code) => _typeNames[code];

    /// <summary>The code of an upper-case type name, or -1 when no instance of the file has that type.</summary>
    public int TypeCode(string upperCaseName) => _typeCodes.GetValueOrDefault(upperCaseName, -1);

    /// <summary>Reads the whole stream (a STEP file is read by random access) and indexes it.</summary>
    public static async Task<StepFile> LoadAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        byte[] data;
        int length;
        if (content.CanSeek)
        {
            long size = content.Length - content.Position;
            if (size > Array.MaxLength)
            {
                throw new SourceFormatException($"'{fileName}' is {size} bytes; STEP files larger than 2 GiB are not supported.");
            }

            data = GC.AllocateUninitializedArray<byte>((int)size);
            await content.ReadExactlyAsync(data, cancellationToken).ConfigureAwait(false);
            length = data.Length;
        }
        else
        {
            data = new byte[1 << 20];
            length = 0;
            while (true)
            {
                if (length == data.Length)
                {
                    if (data.Length == Array.MaxLength)
                    {
                        throw new SourceFormatException($"'{fileName}' is larger than 2 GiB; STEP files that large are not supported.");
                    }

                    Array.Resize(ref data, (int)Math.Min((long)data.Length * 2, Array.MaxLength));
                }

                int read = await content.ReadAsync(data.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }
        }

        return Parse(data, length, fileName, cancellationToken);
    }

    public static StepFile Parse(byte[] data, int length, string fileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var file = new StepFile(data, length, fileName);
        file.Scan(cancellationToken);
        return file;
    }

    /// <summary>The index of the instance with this id, or -1.</summary>
    public int Find(long id)
    {
        if (_dense is not null)
        {
            return id >= 0 && id < _dense.Length ? _dense[id] - 1 : -1;
        }

        var sorted = _sortedById!;
        int low = 0, high = sorted.Length - 1;
        while (low <= high)
        {
            int mid = (low + high) >>> 1;
            long at = _ids[sorted[mid]];
            if (at == id)
            {
                return sorted[mid];
            }

            if (at < id)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return -1;
    }

    /// <summary>The instance with this id parsed, or null when the file has none.</summary>
    public StepEntity? Get(long id)
    {
        int index = Find(id);
        return index < 0 ? null : Parse(index);
    }

    public StepEntity Parse(int index)
    {
        int p = _starts[index];
        var entity = ParseRecord(ref p, _ids[index]);
        SkipTrivia(ref p);
        if (p != _ends[index])
        {
            throw Error(p, $"unexpected text after the parameters of #{_ids[index]}");
        }

        return entity;
    }

    /// <summary>A format error about an instance, positioned at its definition.</summary>
    public SourceFormatException ErrorAt(long id, string message)
    {
        int index = Find(id);
        return Error(index < 0 ? 0 : _starts[index], $"#{id}: {message}");
    }

    /// <summary>A format error at a byte offset, with its line and column (1-based).</summary>
    public SourceFormatException Error(int offset, string message)
    {
        offset = Math.Clamp(offset, 0, _length);
        var before = _data.AsSpan(0, offset);
        int line = before.Count((byte)'\n') + 1;
        int column = offset - (before.LastIndexOf((byte)'\n') + 1) + 1;
        return new SourceFormatException($"'{_fileName}' line {line}, column {column}: {message}.");
    }

    private ReadOnlySpan<byte> Data => _data.AsSpan(0, _length);

    private void Scan(CancellationToken cancellationToken)
    {
        int p = 0;
        if (_length >= 3 && _data[0] == 0xEF && _data[1] == 0xBB && _data[2] == 0xBF)
        {
            p = 3;
        }

        SkipTrivia(ref p);
        if (!TryKeyword(ref p, "ISO-10303-21"u8))
        {
            throw Error(p, "not a STEP file: it must begin with ISO-10303-21;");
        }

        Expect(ref p, (byte)';');
        SkipTrivia(ref p);
        if (!TryKeyword(ref p, "HEADER"u8))
        {
            throw Error(p, "expected HEADER;");
        }

        Expect(ref p, (byte)';');
        ScanHeader(ref p);
        bool anyData = false;
        while (true)
        {
            SkipTrivia(ref p);
            if (TryKeyword(ref p, "END-ISO-10303-21"u8))
            {
                Expect(ref p, (byte)';');
                break;
            }

            if (!TryKeyword(ref p, "DATA"u8))
            {
                throw Error(p, p >= _length ? "the file ends before END-ISO-10303-21; (truncated?)" : "expected DATA; or END-ISO-10303-21;");
            }

            SkipTrivia(ref p);
            if (p < _length && _data[p] == (byte)'(')
            {
                // Edition 3: DATA('name',(schema)); its parameters name the section, which we do not need.
                ParseValue(ref p, 0);
            }

            Expect(ref p, (byte)';');
            anyData = true;
            ScanData(ref p, cancellationToken);
        }

        if (!anyData)
        {
            throw Error(p, "the file has no DATA section");
        }

        BuildLookup();
    }

    private void ScanHeader(ref int p)
    {
        var header = new List<StepEntity>();
        while (true)
        {
            SkipTrivia(ref p);
            if (TryKeyword(ref p, "ENDSEC"u8))
            {
                Expect(ref p, (byte)';');
                break;
            }

            if (p >= _length)
            {
                throw Error(p, "the file ends inside its HEADER section");
            }

            var entity = ParseRecord(ref p, 0);
            Expect(ref p, (byte)';');
            header.Add(entity);
        }

        Header = header;
        var schema = header.FirstOrDefault(h => h.TypeName == "FILE_SCHEMA");
        Schemas = schema is null ? [] : schema[0].List.Select(v => v.AsText).OfType<string>().ToList();
    }

    private void ScanData(ref int p, CancellationToken cancellationToken)
    {
        var data = Data;
        Span<char> name = stackalloc char[128];
        var lookup = _typeCodes.GetAlternateLookup<ReadOnlySpan<char>>();
        while (true)
        {
            SkipTrivia(ref p);
            if (p >= _length)
            {
                throw Error(p, "the file ends inside a DATA section (truncated?)");
            }

            if (data[p] != (byte)'#')
            {
                if (TryKeyword(ref p, "ENDSEC"u8))
                {
                    Expect(ref p, (byte)';');
                    return;
                }

                throw Error(p, "expected an instance (#id=...) or ENDSEC;");
            }

            if ((_count & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            int idAt = p;
            p++;
            long id = ReadUnsigned(ref p, "an instance id");
            SkipTrivia(ref p);
            Expect(ref p, (byte)'=');
            SkipTrivia(ref p);
            int start = p;
            int type;
            if (p < _length && data[p] == (byte)'(')
            {
                type = Intern("", lookup);
            }
            else
            {
                int keywordEnd = KeywordEnd(p);
                if (keywordEnd == p)
                {
                    throw Error(p, $"expected the type name of #{id}");
                }

                if (keywordEnd - p > name.Length)
                {
                    throw Error(p, "a type name longer than 128 characters");
                }

                int n = Encoding.ASCII.GetChars(data[p..keywordEnd], name);
                type = Intern(name[..n], lookup);
            }

            p = EndOfInstance(p, idAt, id);
            Add(id, type, start, p);
            p++;
        }
    }

    private int Intern(ReadOnlySpan<char> name, Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup)
    {
        if (lookup.TryGetValue(name, out int code))
        {
            return code;
        }

        code = _typeNames.Count;
        string text = name.ToString();
        _typeNames.Add(text);
        _typeCodes[text] = code;
        return code;
    }

    /// <summary>The offset of the ';' that ends the instance starting at <paramref name="p"/>, its parentheses balanced.</summary>
    private int EndOfInstance(int p, int idAt, long id)
    {
        var data = Data;
        int depth = 0;
        while (true)
        {
            int next = data[p..].IndexOfAny(InstanceSpecials);
            if (next < 0)
            {
                throw Error(idAt, $"instance #{id} is not terminated by ';' (truncated?)");
            }

            p += next;
            switch (data[p])
            {
                case (byte)'\'':
                    p = EndOfString(p) + 1;
                    continue;
                case (byte)'"':
                    int close = data[(p + 1)..].IndexOf((byte)'"');
                    if (close < 0)
                    {
                        throw Error(p, "a binary value is not terminated by '\"'");
                    }

                    p += close + 2;
                    continue;
                case (byte)'/':
                    if (p + 1 < _length && data[p + 1] == (byte)'*')
                    {
                        SkipComment(ref p);
                        continue;
                    }

                    break;
                case (byte)'(':
                    if (++depth > MaxNesting)
                    {
                        throw Error(p, $"parameters nested deeper than {MaxNesting} levels");
                    }

                    break;
                case (byte)')':
                    if (--depth < 0)
                    {
                        throw Error(p, $"unbalanced ')' in instance #{id}");
                    }

                    break;
                case (byte)';':
                    if (depth != 0)
                    {
                        throw Error(p, $"instance #{id} ends with {depth} unclosed '('");
                    }

                    return p;
            }

            p++;
        }
    }

    /// <summary>The offset of the quote that closes the string opening at <paramref name="p"/> ('' is a quote inside it).</summary>
    private int EndOfString(int p)
    {
        var data = Data;
        int q = p + 1;
        while (true)
        {
            int next = data[q..].IndexOf((byte)'\'');
            if (next < 0)
            {
                throw Error(p, "a string is not terminated by a quote");
            }

            q += next;
            if (q + 1 < _length && data[q + 1] == (byte)'\'')
            {
                q += 2;
                continue;
            }

            return q;
        }
    }

    private void Add(long id, int type, int start, int end)
    {
        if (_count == _ids.Length)
        {
            int size = _ids.Length * 2;
            Array.Resize(ref _ids, size);
            Array.Resize(ref _types, size);
            Array.Resize(ref _starts, size);
            Array.Resize(ref _ends, size);
        }

        _ids[_count] = id;
        _types[_count] = type;
        _starts[_count] = start;
        _ends[_count] = end;
        _count++;
    }

    /// <summary>Ids are usually dense: a direct table when it costs at most 4 slots an instance, else a sorted permutation.</summary>
    private void BuildLookup()
    {
        long max = 0;
        for (int i = 0; i < _count; i++)
        {
            max = Math.Max(max, _ids[i]);
        }

        if (max < (4L * _count) + 1024)
        {
            var dense = new int[max + 1];
            for (int i = 0; i < _count; i++)
            {
                if (dense[_ids[i]] != 0)
                {
                    throw Error(_starts[i], $"instance #{_ids[i]} is defined twice");
                }

                dense[_ids[i]] = i + 1;
            }

            _dense = dense;
            return;
        }

        var sorted = new int[_count];
        for (int i = 0; i < _count; i++)
        {
            sorted[i] = i;
        }

        var keys = _ids.AsSpan(0, _count).ToArray();
        Array.Sort(keys, sorted);
        for (int i = 1; i < keys.Length; i++)
        {
            if (keys[i] == keys[i - 1])
            {
                throw Error(_starts[sorted[i]], $"instance #{keys[i]} is defined twice");
            }
        }

        _sortedById = sorted;
    }

    private StepEntity ParseRecord(ref int p, long id)
    {
        SkipTrivia(ref p);
        if (p < _length && _data[p] == (byte)'(')
        {
            p++;
            var parts = new List<(string, StepValue[])>();
            while (true)
            {
                SkipTrivia(ref p);
                if (p < _length && _data[p] == (byte)')')
                {
                    p++;
                    break;
                }

                string partName = ReadKeyword(ref p);
                SkipTrivia(ref p);
                parts.Add((partName, ParseList(ref p, 1)));
            }

            if (parts.Count == 0)
            {
                throw Error(p, $"complex instance #{id} has no parts");
            }

            return new StepEntity(id, parts[0].Item1, parts[0].Item2, parts);
        }

        string typeName = ReadKeyword(ref p);
        SkipTrivia(ref p);
        return new StepEntity(id, typeName, ParseList(ref p, 0));
    }

    private StepValue[] ParseList(ref int p, int depth)
    {
        if (depth > MaxNesting)
        {
            throw Error(p, $"parameters nested deeper than {MaxNesting} levels");
        }

        Expect(ref p, (byte)'(');
        SkipTrivia(ref p);
        if (p < _length && _data[p] == (byte)')')
        {
            p++;
            return [];
        }

        var items = new List<StepValue>(4);
        while (true)
        {
            items.Add(ParseValue(ref p, depth + 1));
            SkipTrivia(ref p);
            if (p >= _length)
            {
                throw Error(p, "the file ends inside a parameter list");
            }

            byte c = _data[p++];
            if (c == (byte)')')
            {
                return [.. items];
            }

            if (c != (byte)',')
            {
                throw Error(p - 1, $"expected ',' or ')' but found '{(char)c}'");
            }
        }
    }

    private StepValue ParseValue(ref int p, int depth)
    {
        SkipTrivia(ref p);
        if (p >= _length)
        {
            throw Error(p, "the file ends where a parameter was expected");
        }

        var data = Data;
        byte c = data[p];
        switch (c)
        {
            case (byte)'$':
                p++;
                return StepValue.Missing;
            case (byte)'*':
                p++;
                return new StepValue(StepKind.Derived);
            case (byte)'#':
                p++;
                return new StepValue(StepKind.Reference, ReadUnsigned(ref p, "a reference"));
            case (byte)'\'':
                int close = EndOfString(p);
                var text = DecodeString(p + 1, close);
                p = close + 1;
                return new StepValue(StepKind.Text, Text: text);
            case (byte)'"':
                int end = data[(p + 1)..].IndexOf((byte)'"');
                if (end < 0)
                {
                    throw Error(p, "a binary value is not terminated by '\"'");
                }

                var hex = Encoding.ASCII.GetString(data.Slice(p + 1, end));
                p += end + 2;
                return new StepValue(StepKind.Binary, Text: hex);
            case (byte)'.':
                int dot = data[(p + 1)..].IndexOf((byte)'.');
                if (dot < 0 || dot > 256)
                {
                    throw Error(p, "an enumeration is not terminated by '.'");
                }

                var enumeration = Encoding.ASCII.GetString(data.Slice(p + 1, dot));
                p += dot + 2;
                return new StepValue(StepKind.Enumeration, Text: enumeration);
            case (byte)'(':
                return new StepValue(StepKind.List, Items: ParseList(ref p, depth));
            case (byte)'-' or (byte)'+' or (>= (byte)'0' and <= (byte)'9'):
                return ReadNumber(ref p);
            default:
                if (IsKeywordStart(c))
                {
                    string typeName = ReadKeyword(ref p);
                    SkipTrivia(ref p);
                    var inner = ParseList(ref p, depth);
                    return new StepValue(StepKind.Typed, Text: typeName, Items: inner);
                }

                throw Error(p, $"unexpected '{(c is >= 32 and < 127 ? (char)c : '?')}' where a parameter was expected");
        }
    }

    private StepValue ReadNumber(ref int p)
    {
        var data = Data;
        int start = p;
        bool real = false;
        if (data[p] is (byte)'-' or (byte)'+')
        {
            p++;
        }

        while (p < _length)
        {
            byte c = data[p];
            if (c is >= (byte)'0' and <= (byte)'9')
            {
                p++;
            }
            else if (c is (byte)'.' or (byte)'E' or (byte)'e' || (real && c is (byte)'-' or (byte)'+' && data[p - 1] is (byte)'E' or (byte)'e'))
            {
                real = true;
                p++;
            }
            else
            {
                break;
            }
        }

        var token = data[start..p];
        if (!real && Utf8Parser.TryParse(token, out long integer, out int used) && used == token.Length)
        {
            return new StepValue(StepKind.WholeNumber, integer, integer);
        }

        // STEP writes reals as "1." and "1.E5": digits after the point are optional.
        if (double.TryParse(token, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double number) && double.IsFinite(number))
        {
            return new StepValue(StepKind.RealNumber, Real: number);
        }

        throw Error(start, $"'{Encoding.ASCII.GetString(token)}' is not a number");
    }

    private long ReadUnsigned(ref int p, string what)
    {
        var data = Data;
        int start = p;
        long value = 0;
        while (p < _length && data[p] is >= (byte)'0' and <= (byte)'9')
        {
            if (value > (long.MaxValue / 10) - 10)
            {
                throw Error(start, $"{what} is too large");
            }

            value = (value * 10) + (data[p] - '0');
            p++;
        }

        return p == start ? throw Error(start, $"expected digits of {what}") : value;
    }

    private string ReadKeyword(ref int p)
    {
        int end = KeywordEnd(p);
        if (end == p)
        {
            throw Error(p, "expected a type name");
        }

        string keyword = Encoding.ASCII.GetString(_data, p, end - p);
        p = end;
        return keyword;
    }

    private int KeywordEnd(int p)
    {
        var data = Data;
        if (p >= _length || !IsKeywordStart(data[p]))
        {
            return p;
        }

        int q = p + 1;
        while (q < _length && (IsKeywordStart(data[q]) || data[q] is >= (byte)'0' and <= (byte)'9' or (byte)'-'))
        {
            q++;
        }

        return q;
    }

    private static bool IsKeywordStart(byte c) => c is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (byte)'_' or (byte)'!';

    private bool TryKeyword(ref int p, ReadOnlySpan<byte> keyword)
    {
        if (Data[p..].StartsWith(keyword) && KeywordEnd(p) == p + keyword.Length)
        {
            p += keyword.Length;
            return true;
        }

        return false;
    }

    private void Expect(ref int p, byte c)
    {
        SkipTrivia(ref p);
        if (p >= _length)
        {
            throw Error(p, $"the file ends where '{(char)c}' was expected (truncated?)");
        }

        if (_data[p] != c)
        {
            byte found = _data[p];
            throw Error(p, $"expected '{(char)c}' but found '{(found is >= 32 and < 127 ? (char)found : '?')}'");
        }

        p++;
    }

    private void SkipTrivia(ref int p)
    {
        var data = Data;
        while (p < _length)
        {
            byte c = data[p];
            if (c is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t')
            {
                p++;
            }
            else if (c == (byte)'/' && p + 1 < _length && data[p + 1] == (byte)'*')
            {
                SkipComment(ref p);
            }
            else
            {
                return;
            }
        }
    }

    private void SkipComment(ref int p)
    {
        int end = Data[(p + 2)..].IndexOf("*/"u8);
        if (end < 0)
        {
            throw Error(p, "a comment is not closed by */");
        }

        p += end + 4;
    }

    /// <summary>
    /// The text of a string's raw bytes (between its quotes): <c>''</c>, <c>\\</c>, <c>\S\</c>, <c>\X\hh</c>,
    /// <c>\X2\…\X0\</c> (UTF-16), <c>\X4\…\X0\</c> (UTF-32) decoded; <c>\P?\</c> page switches ignored; line breaks
    /// (writers wrap long lines) dropped; other bytes read as UTF-8, which is what writers that ignore the escapes emit.
    /// </summary>
    private string DecodeString(int start, int end)
    {
        var raw = Data[start..end];
        if (raw.IndexOfAny("'\\\r\n"u8) < 0 && Ascii.IsValid(raw))
        {
            return Encoding.ASCII.GetString(raw);
        }

        var text = new StringBuilder(raw.Length);
        int i = 0;
        while (i < raw.Length)
        {
            byte c = raw[i];
            if (c == (byte)'\'')
            {
                text.Append('\'');
                i += 2;
            }
            else if (c is (byte)'\r' or (byte)'\n')
            {
                i++;
            }
            else if (c == (byte)'\\')
            {
                i = DecodeEscape(raw, i, text, start);
            }
            else if (c < 0x80)
            {
                text.Append((char)c);
                i++;
            }
            else
            {
                int run = i;
                while (run < raw.Length && raw[run] >= 0x80)
                {
                    run++;
                }

                text.Append(Encoding.UTF8.GetString(raw[i..run]));
                i = run;
            }
        }

        return text.ToString();
    }

    private int DecodeEscape(ReadOnlySpan<byte> raw, int i, StringBuilder text, int stringStart)
    {
        var rest = raw[i..];
        if (rest.StartsWith("\\\\"u8))
        {
            text.Append('\\');
            return i + 2;
        }

        if (rest.StartsWith("\\X\\"u8) && rest.Length >= 5 && TryHex(rest.Slice(3, 2), out int latin1))
        {
            text.Append((char)latin1);
            return i + 5;
        }

        if (rest.StartsWith("\\S\\"u8) && rest.Length >= 4)
        {
            text.Append((char)(rest[3] + 128));
            return i + 4;
        }

        if (rest.StartsWith("\\X2\\"u8) || rest.StartsWith("\\X4\\"u8))
        {
            int width = rest[2] == (byte)'2' ? 4 : 8;
            int end = rest.IndexOf("\\X0\\"u8);
            if (end < 0 || (end - 4) % width != 0)
            {
                throw Error(stringStart + i, "a \\X2\\ or \\X4\\ escape is not closed by \\X0\\ after whole code units");
            }

            for (int at = 4; at < end; at += width)
            {
                if (!TryHex(rest.Slice(at, width), out int unit))
                {
                    throw Error(stringStart + i + at, "a \\X2\\ or \\X4\\ escape holds a character that is not hexadecimal");
                }

                if (width == 4)
                {
                    text.Append((char)unit);
                }
                else if (unit is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF))
                {
                    text.Append(char.ConvertFromUtf32(unit));
                }
                else
                {
                    throw Error(stringStart + i + at, "a \\X4\\ escape holds an invalid code point");
                }
            }

            return i + end + 4;
        }

        if (rest.Length >= 4 && rest[1] == (byte)'P' && rest[3] == (byte)'\\')
        {
            return i + 4;
        }

        text.Append('\\');
        return i + 1;
    }

    private static bool TryHex(ReadOnlySpan<byte> digits, out int value) =>
        int.TryParse(digits, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out value);
}

using System.Globalization;
using System.Text;
using Sync.Engine.Connectors.Streams;

namespace Sync.Engine.Connectors.Dxf;

/// <summary>
/// One group of an ASCII DXF file: a group code and its value. Groups whose code the DXF reference types as a
/// real or a 16/32-bit integer (coordinates, sizes, angles, colours, flags: most of a drawing) are parsed once
/// from the file's bytes and keep no text; the others keep their trimmed text.
/// </summary>
internal readonly record struct DxfGroup(int Code, string? Text, double Parsed)
{
    public string Value => Text ?? Parsed.ToString("R", CultureInfo.InvariantCulture);

    public double Number => Text is null ? Parsed : double.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : 0;

    public long Integer => Text is null ? (long)Parsed : long.TryParse(Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : 0;

    public static bool IsNumeric(int code) => code is (>= 10 and <= 99) or (>= 110 and <= 149) or (>= 170 and <= 179) or (>= 210 and <= 239)
        or (>= 270 and <= 289) or (>= 370 and <= 389) or (>= 400 and <= 409) or (>= 420 and <= 429) or (>= 440 and <= 449)
        or (>= 460 and <= 469) or (>= 1010 and <= 1071);
}

/// <summary>
/// One record of a DXF section: the groups from a group-0 type line up to the next, e.g. a LINE entity, a LAYER
/// table entry or a BLOCK header.
/// </summary>
internal sealed class DxfRecord(string type, List<DxfGroup> groups, long line)
{
    public string Type { get; } = type;

    public List<DxfGroup> Groups { get; } = groups;

    /// <summary>The line of the file where the record starts, for messages.</summary>
    public long Line { get; } = line;

    /// <summary>Records that belong to this one: the VERTEXes of a POLYLINE, the ATTRIBs of an INSERT, a block's entities.</summary>
    public List<DxfRecord> Followers => _followers ??= [];

    private List<DxfRecord>? _followers;

    /// <summary>The followers without creating an empty list for a record that has none.</summary>
    public IReadOnlyList<DxfRecord> FollowersIfAny => _followers ?? [];

    public bool Has(int code)
    {
        foreach (var group in Groups)
        {
            if (group.Code == code)
            {
                return true;
            }
        }

        return false;
    }

    public string? Text(int code)
    {
        foreach (var group in Groups)
        {
            if (group.Code == code)
            {
                return group.Value;
            }
        }

        return null;
    }

    public double Number(int code, double fallback = 0)
    {
        foreach (var group in Groups)
        {
            if (group.Code == code)
            {
                return group.Number;
            }
        }

        return fallback;
    }

    public long? Integer(int code)
    {
        foreach (var group in Groups)
        {
            if (group.Code == code)
            {
                return group.Integer;
            }
        }

        return null;
    }
}

/// <summary>
/// Streams the records of an ASCII DXF file section by section (group code line, value line; CRLF or LF; UTF-8).
/// A binary DXF, a DWG, a broken group code or a line over 1 MiB raises <see cref="SourceFormatException"/> with the line.
/// </summary>
/// <remarks>
/// Groups are parsed synchronously from the bytes already buffered; only a refill awaits. A group cut by the end
/// of the buffer is read again whole after the refill, and a record in progress keeps its groups meanwhile, so the
/// buffer never needs to hold more than one group.
/// </remarks>
internal sealed class DxfReader(Stream content, string fileName)
{
    /// <summary>No DXF line is near this long (text chunks are 250 characters); a longer one is refused, not buffered.</summary>
    public const int MaxLineBytes = 1 << 20;

    private readonly DxfTextCache _names = new();
    private readonly StreamWindow _window = new(content, MaxLineBytes);
    private bool _headChecked;
    private long _line;
    private long _blankLine;
    private string? _recordType;
    private long _recordLine;
    private List<DxfGroup>? _recordGroups;
    private readonly Stack<List<DxfGroup>> _spareGroups = new();

    private enum Read
    {
        Done,
        NeedMore,
        End,
    }

    public long Line => _line;

    /// <summary>Checks the first bytes: binary DXF and DWG files are refused with a message that says what to do.</summary>
    public static async Task RejectBinaryAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        if (!content.CanSeek)
        {
            return;
        }

        var head = new byte[22];
        int read = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        content.Position = 0;
        Refuse(head.AsSpan(0, read), fileName);
    }

    public static void Refuse(ReadOnlySpan<byte> head, string fileName)
    {
        if (head.StartsWith("AutoCAD Binary DXF"u8))
        {
            throw new SourceFormatException($"'{fileName}' is a binary DXF file, which is not read: save it as ASCII DXF (R12 to R2018).");
        }

        if (head.Length >= 6 && head.StartsWith("AC10"u8) && char.IsAsciiDigit((char)head[4]) && char.IsAsciiDigit((char)head[5]))
        {
            throw new SourceFormatException($"'{fileName}' is a DWG drawing, which is not read: save it as ASCII DXF (R12 to R2018) and synchronize that file.");
        }
    }

    /// <summary>Reads one record: the type group (code 0) is expected next; the record ends before the next code 0. Null at the end.</summary>
    public async ValueTask<DxfRecord?> NextRecordAsync(CancellationToken cancellationToken)
    {
        DxfRecord? record;
        while (!TryReadRecord(out record))
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }

        return record;
    }

    public SourceFormatException Error(long line, string message) => new($"'{fileName}' line {line}: {message}.");

    /// <summary>False when the buffered bytes end inside the record; the groups read so far are kept for the next try.</summary>
    private bool TryReadRecord(out DxfRecord? record)
    {
        record = null;
        while (true)
        {
            int groupStart = _window.Mark;
            long groupLine = _line;
            var read = TryReadGroup(out var group);
            if (read == Read.NeedMore)
            {
                return false;
            }

            if (read == Read.End)
            {
                record = TakeRecord();
                return true;
            }

            if (_recordType is null)
            {
                if (group.Code != 0)
                {
                    throw Error(groupLine + 1, $"expected group code 0 (a new record) but found {group.Code}");
                }

                _recordType = group.Value;
                _recordLine = groupLine + 1;
                _recordGroups = _spareGroups.TryPop(out var spare) ? spare : new List<DxfGroup>(16);
                continue;
            }

            if (group.Code == 0)
            {
                // The next record's type: left in the buffer for the next call.
                _window.Rewind(groupStart);
                _line = groupLine;
                record = TakeRecord();
                return true;
            }

            _recordGroups!.Add(group);
        }
    }

    /// <summary>
    /// Hands back the group lists of a record (and of its followers) that nothing uses any more, for the next records
    /// to fill: most entities are converted as soon as they are read, and their lists were most of what a drawing
    /// allocated. The record must not be read afterwards.
    /// </summary>
    public void Recycle(DxfRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_spareGroups.Count < 8)
        {
            record.Groups.Clear();
            _spareGroups.Push(record.Groups);
        }

        foreach (var follower in record.FollowersIfAny)
        {
            Recycle(follower);
        }
    }

    private DxfRecord? TakeRecord()
    {
        if (_recordType is null)
        {
            return null;
        }

        var record = new DxfRecord(_recordType, _recordGroups!, _recordLine);
        _recordType = null;
        _recordGroups = null;
        return record;
    }

    /// <summary>The next group (comments, code 999, skipped); a group cut by the end of the buffer is left unread.</summary>
    private Read TryReadGroup(out DxfGroup group)
    {
        group = default;
        while (true)
        {
            if (_blankLine > 0)
            {
                return TrySkipTrailingBlankLines();
            }

            int groupStart = _window.Mark;
            long groupLine = _line;
            var read = TryReadLine(out var codeLine);
            if (read != Read.Done)
            {
                return read;
            }

            var codeText = codeLine.Trim(" \t"u8);
            if (codeText.IsEmpty)
            {
                // Blank lines may end a file; anywhere else one stands where a group code belongs.
                _blankLine = _line;
                continue;
            }

            if (!int.TryParse(codeText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int code))
            {
                throw Error(_line, $"'{Shorten(Encoding.UTF8.GetString(codeText))}' is not a group code");
            }

            read = TryReadLine(out var valueLine);
            if (read == Read.NeedMore)
            {
                _window.Rewind(groupStart);
                _line = groupLine;
                return read;
            }

            if (read == Read.End)
            {
                throw Error(_line + 1, $"the file ends after group code {code} without its value (truncated?)");
            }

            if (code == 999)
            {
                continue;
            }

            var value = valueLine.Trim(" \t"u8);
            group = DxfGroup.IsNumeric(code) && DxfNumber.TryParse(value, out double number)
                ? new DxfGroup(code, null, number)
                : new DxfGroup(code, DxfTextCache.IsName(code) ? _names.Get(value) : Encoding.UTF8.GetString(value), 0);
            return Read.Done;
        }
    }

    private Read TrySkipTrailingBlankLines()
    {
        while (true)
        {
            var read = TryReadLine(out var line);
            if (read != Read.Done)
            {
                return read;
            }

            if (!line.Trim(" \t"u8).IsEmpty)
            {
                throw Error(_blankLine, "a blank line where a group code belongs");
            }
        }
    }

    /// <summary>The next line (LF or CRLF, or the last bytes of the file) from the buffer, never a string.</summary>
    private Read TryReadLine(out ReadOnlySpan<byte> line)
    {
        var rest = _window.Unread;
        int newline = rest.IndexOf((byte)'\n');
        if (newline < 0 && !(_window.AtEnd && rest.Length > 0))
        {
            line = default;
            return _window.AtEnd ? Read.End : Read.NeedMore;
        }

        int length = newline >= 0 ? newline : rest.Length;
        line = rest[..(length > 0 && rest[length - 1] == (byte)'\r' ? length - 1 : length)];
        _window.Consume(newline >= 0 ? newline + 1 : length);
        _line++;
        return Read.Done;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (!await _window.FillAsync(cancellationToken).ConfigureAwait(false))
        {
            long longLine = _line + 1 + _window.Unread.Count((byte)'\n');
            throw Error(longLine, $"a line longer than {MaxLineBytes / (1 << 20)} MiB; DXF lines are short, so the file is not a DXF drawing or is damaged");
        }

        if (!_headChecked && (_window.AtEnd || _window.Unread.Length >= 22))
        {
            _headChecked = true;
            Refuse(_window.Unread, fileName);
        }
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}

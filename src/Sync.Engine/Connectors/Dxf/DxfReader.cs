using System.Globalization;
using System.Text;

namespace Sync.Engine.Connectors.Dxf;

/// <summary>One group of an ASCII DXF file: a group code and its value (the value's text, trimmed).</summary>
internal readonly record struct DxfGroup(int Code, string Value)
{
    public double Number => double.TryParse(Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : 0;

    public long Integer => long.TryParse(Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : 0;
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

    /// <summary>Records that belong to this one: the VERTEXes of a POLYLINE, the ATTRIBs of an INSERT.</summary>
    public List<DxfRecord> Followers { get; } = [];

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
/// Streams the records of an ASCII DXF file section by section (group code line, value line; CRLF or LF).
/// A binary DXF, a DWG or a broken group code raises <see cref="SourceFormatException"/> with the line.
/// </summary>
internal sealed class DxfReader(Stream content, string fileName) : IDisposable
{
    private readonly StreamReader _text = new(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
    private DxfGroup? _pending;
    private long _line;

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

    /// <summary>The next group, or null at the end of the file.</summary>
    public async ValueTask<DxfGroup?> NextAsync(CancellationToken cancellationToken)
    {
        if (_pending is { } pending)
        {
            _pending = null;
            return pending;
        }

        string? codeLine = await _text.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        while (codeLine is not null && codeLine.Length == 0 && _text.Peek() < 0)
        {
            codeLine = null;
        }

        if (codeLine is null)
        {
            return null;
        }

        _line++;
        if (_line == 1)
        {
            Refuse(Encoding.Latin1.GetBytes(codeLine.Length > 22 ? codeLine[..22] : codeLine), fileName);
        }

        if (!int.TryParse(codeLine.AsSpan().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int code))
        {
            throw Error(_line, $"'{Shorten(codeLine)}' is not a group code");
        }

        string? value = await _text.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        _line++;
        if (value is null)
        {
            throw Error(_line, $"the file ends after group code {code} without its value (truncated?)");
        }

        // 999 is a comment.
        return code == 999 ? await NextAsync(cancellationToken).ConfigureAwait(false) : new DxfGroup(code, value.Trim());
    }

    /// <summary>Reads one record: the type group (code 0) is expected next; the record ends before the next code 0.</summary>
    public async ValueTask<DxfRecord?> NextRecordAsync(CancellationToken cancellationToken)
    {
        var first = await NextAsync(cancellationToken).ConfigureAwait(false);
        if (first is null)
        {
            return null;
        }

        if (first.Value.Code != 0)
        {
            throw Error(_line - 1, $"expected group code 0 (a new record) but found {first.Value.Code}");
        }

        long line = _line - 1;
        var groups = new List<DxfGroup>(16);
        while (await NextAsync(cancellationToken).ConfigureAwait(false) is { } group)
        {
            if (group.Code == 0)
            {
                _pending = group;
                break;
            }

            groups.Add(group);
        }

        return new DxfRecord(first.Value.Value, groups, line);
    }

    public SourceFormatException Error(long line, string message) => new($"'{fileName}' line {line}: {message}.");

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;

    public void Dispose() => _text.Dispose();
}

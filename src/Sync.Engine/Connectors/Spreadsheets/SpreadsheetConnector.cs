using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using ExcelDataReader;
using Sylvan.Data.Csv;
using Sync.Engine.Elements;

namespace Sync.Engine.Connectors.Spreadsheets;

/// <summary>
/// PSEXCEL: asset registers in CSV or XLSX. One element per data row; the class is the file (CSV) or sheet
/// (XLSX) name; the identifier comes from a key column (setting <c>spreadsheetKeyColumn</c>, else the first column named
/// like id/tag/key), else from the row number, which the task's warnings then say; cells become typed properties.
/// </summary>
public sealed partial class SpreadsheetConnector : IConnector
{
    /// <summary>The configuration setting (connection scope) naming the key column; empty: detect it.</summary>
    public const string KeyColumnSetting = "spreadsheetKeyColumn";

    static SpreadsheetConnector()
    {
        // ExcelDataReader asks for Windows code page 1252 even for XLSX; .NET has it only through this provider.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public string ConnectorType => "PSEXCEL";

    public IReadOnlyList<string> Extensions { get; } = ["csv", "xlsx"];

    public string Version => "1.0.0";

    public string SchemaAlias => "PSEXCEL";

    public IReadOnlyList<string> SettingNames { get; } = [KeyColumnSetting];

    public IAsyncEnumerable<SourceElement> ReadAsync(Stream content, SourceContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        return Path.GetExtension(context.FileName).Equals(".xlsx", StringComparison.OrdinalIgnoreCase)
            ? ReadWorkbookAsync(content, context, cancellationToken)
            : ReadCsvAsync(content, context, cancellationToken);
    }

    private async IAsyncEnumerable<SourceElement> ReadCsvAsync(Stream content, SourceContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var text = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        CsvDataReader reader;
        try
        {
            reader = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true, BufferSize = 1 << 16 }, cancellationToken);
        }
        catch (Exception e) when (e is CsvFormatException or ArgumentException)
        {
            throw new SourceFormatException($"'{context.FileName}' is not a readable CSV file: {e.Message}", e);
        }

        await using (reader)
        {
            var table = new TableShape(Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList(), ClassFor(Path.GetFileNameWithoutExtension(context.FileName)), null, context);
            var cells = new object?[reader.FieldCount];
            Func<int, object?> cell = i => cells[i];
            long row = 0;
            while (true)
            {
                try
                {
                    if (!await reader.ReadAsync(cancellationToken))
                    {
                        break;
                    }
                }
                catch (CsvFormatException e)
                {
                    throw new SourceFormatException($"'{context.FileName}' is malformed near data row {row + 1}: {e.Message}", e);
                }

                row++;
                int count = Math.Min(reader.RowFieldCount, cells.Length);
                for (int i = 0; i < cells.Length; i++)
                {
                    // Read as a span: a number or boolean cell never becomes a string.
                    cells[i] = i < count ? ParseCell(reader.GetFieldSpan(i)) : null;
                }

                var element = table.ToElement(row, cell);
                if (element is not null)
                {
                    yield return element;
                }
            }
        }
    }

    private async IAsyncEnumerable<SourceElement> ReadWorkbookAsync(Stream content, SourceContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The XLSX package is a zip: it needs a seekable stream. Spool a download to a temporary file first.
        Stream seekable = content;
        if (!content.CanSeek)
        {
            seekable = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await content.CopyToAsync(seekable, cancellationToken);
            seekable.Position = 0;
        }

        try
        {
            IExcelDataReader reader;
            try
            {
                reader = ExcelReaderFactory.CreateOpenXmlReader(seekable, new ExcelReaderConfiguration { LeaveOpen = true });
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new SourceFormatException($"'{context.FileName}' is not a readable XLSX workbook: {e.Message}", e);
            }

            using (reader)
            {
                do
                {
                    TableShape? table = null;
                    long row = 0;
                    while (Read(reader, context))
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (table is null)
                        {
                            var headers = Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) ?? string.Empty).ToList();
                            if (headers.All(string.IsNullOrWhiteSpace))
                            {
                                continue;
                            }

                            table = new TableShape(headers, ClassFor(reader.Name), reader.Name, context);
                            continue;
                        }

                        row++;
                        var element = table.ToElement(row, i => i < reader.FieldCount ? CellValue(reader.GetValue(i)) : null);
                        if (element is not null)
                        {
                            yield return element;
                        }
                    }
                }
                while (reader.NextResult());
            }
        }
        finally
        {
            if (!ReferenceEquals(seekable, content))
            {
                await seekable.DisposeAsync();
            }
        }
    }

    private static bool Read(IExcelDataReader reader, SourceContext context)
    {
        try
        {
            return reader.Read();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new SourceFormatException($"'{context.FileName}' has an unreadable sheet '{reader.Name}': {e.Message}", e);
        }
    }

    private string ClassFor(string tableName)
    {
        string name = NonIdentifierCharacters().Replace(tableName.Trim(), "_");
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            name = "_" + name;
        }

        return $"{SchemaAlias}:{name}";
    }

    /// <summary>CSV text as a typed value: integers and decimals that round-trip, booleans, else the text; null when empty.</summary>
    internal static object? ParseCell(string? text) => string.IsNullOrEmpty(text) ? null : TypedValue(text) ?? text;

    private static object? ParseCell(ReadOnlySpan<char> text) => text.IsEmpty ? null : TypedValue(text) ?? text.ToString();

    private static readonly object True = true, False = false;

    /// <summary>The number or boolean the text stands for, or null when it is text.</summary>
    private static object? TypedValue(ReadOnlySpan<char> text)
    {
        // Numbers that round-trip start with a minus or a digit; most text cells are told apart by their first character.
        char first = text[0];
        if (first == '-' || char.IsAsciiDigit(first))
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer) && RoundTrips(integer, text))
            {
                return integer;
            }

            if (LooksDecimal().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number))
            {
                return number;
            }

            return null;
        }

        // bool.TryParse trims white space and NUL characters, then reads true or false in any case.
        if ((first is 't' or 'T' or 'f' or 'F' or '\0' || char.IsWhiteSpace(first)) && bool.TryParse(text, out bool flag))
        {
            return flag ? True : False;
        }

        return null;
    }

    private static bool RoundTrips(long integer, ReadOnlySpan<char> text)
    {
        Span<char> canonical = stackalloc char[20];
        return integer.TryFormat(canonical, out int written, default, CultureInfo.InvariantCulture) && text.SequenceEqual(canonical[..written]);
    }

    private static object? CellValue(object? value) => value switch
    {
        null or DBNull => null,
        string s => s.Length == 0 ? null : s,
        double d when d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
        double d => d,
        bool b => b,
        DateTime dt => dt.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
        int i => (long)i,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"[^A-Za-z0-9_]+")]
    private static partial Regex NonIdentifierCharacters();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex LooksDecimal();
}

using System.Globalization;
using System.Text.RegularExpressions;
using Sync.Engine.Elements;

namespace Sync.Engine.Connectors.Spreadsheets;

/// <summary>The header of one CSV file or sheet: property names, the key column, and how a row becomes an element.</summary>
internal sealed partial class TableShape
{
    private readonly string[] _names;

    // Column positions in property-name order, so elements carry their properties already sorted.
    private readonly int[] _order;
    private readonly int _keyColumn;
    private readonly int _labelColumn;
    private readonly string _className;
    private readonly string? _sheet;
    private readonly SourceContext _context;

    public TableShape(IReadOnlyList<string> headers, string className, string? sheet, SourceContext context)
    {
        _className = className;
        _sheet = sheet;
        _context = context;
        _names = UniqueNames(headers);
        _order = Enumerable.Range(0, _names.Length).OrderBy(i => _names[i], StringComparer.Ordinal).ToArray();
        string where = sheet is null ? $"'{context.FileName}'" : $"sheet '{sheet}' of '{context.FileName}'";

        if (context.Settings.TryGetValue(SpreadsheetConnector.KeyColumnSetting, out string? configured) && !string.IsNullOrWhiteSpace(configured))
        {
            _keyColumn = Array.FindIndex(_names, n => string.Equals(n, configured.Trim(), StringComparison.OrdinalIgnoreCase));
            if (_keyColumn < 0)
            {
                context.Warn($"The key column '{configured}' is not in {where}; rows are identified by row number, so inserting or removing a row changes the identity of every row after it.");
            }
        }
        else
        {
            _keyColumn = Array.FindIndex(_names, n => KeyName().IsMatch(n));
            if (_keyColumn < 0)
            {
                context.Warn($"{where} has no column named like id, tag or key; rows are identified by row number, so inserting or removing a row changes the identity of every row after it. Set '{SpreadsheetConnector.KeyColumnSetting}' to name the key column.");
            }
        }

        _labelColumn = Array.FindIndex(_names, n => LabelName().IsMatch(n));
    }

    /// <summary>The element of a data row, or null for a blank row.</summary>
    public SourceElement? ToElement(long row, Func<int, object?> cell)
    {
        var properties = new List<KeyValuePair<string, object>>(_names.Length);
        object? key = null;
        object? label = null;
        foreach (int i in _order)
        {
            object? value = cell(i);
            if (value is null)
            {
                continue;
            }

            properties.Add(new(_names[i], value));
            if (i == _keyColumn)
            {
                key = value;
            }

            if (i == _labelColumn)
            {
                label = value;
            }
        }

        if (properties.Count == 0)
        {
            return null;
        }

        string identifier;
        if (_keyColumn < 0)
        {
            identifier = string.Create(CultureInfo.InvariantCulture, $"row:{row}");
        }
        else if (key is null)
        {
            identifier = string.Create(CultureInfo.InvariantCulture, $"row:{row}");
            _context.Warn(string.Create(CultureInfo.InvariantCulture, $"Data row {row}{(_sheet is null ? string.Empty : $" of sheet '{_sheet}'")} has an empty key; it is identified by its row number."));
        }
        else
        {
            identifier = Convert.ToString(key, CultureInfo.InvariantCulture)!;
        }

        if (_sheet is not null)
        {
            identifier = $"{_sheet}!{identifier}";
        }

        return new SourceElement(identifier, _className, properties, UserLabel: label is null ? null : Convert.ToString(label, CultureInfo.InvariantCulture));
    }

    private static string[] UniqueNames(IReadOnlyList<string> headers)
    {
        var names = new string[headers.Count];
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < headers.Count; i++)
        {
            string name = string.IsNullOrWhiteSpace(headers[i]) ? $"Column{i + 1}" : headers[i].Trim();
            string unique = name;
            for (int n = 2; !seen.Add(unique); n++)
            {
                unique = $"{name}_{n}";
            }

            names[i] = unique;
        }

        return names;
    }

    [GeneratedRegex(@"(^|[\s_\-.])(id|tag|key)$|^(id|tag|key)[\s_\-.]?(no|number|nr)?$", RegexOptions.IgnoreCase)]
    private static partial Regex KeyName();

    [GeneratedRegex(@"^(name|label|description|title)$", RegexOptions.IgnoreCase)]
    private static partial Regex LabelName();
}

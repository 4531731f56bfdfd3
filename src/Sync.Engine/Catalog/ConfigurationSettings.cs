using System.Text.Json;
using Sync.Engine.Connectors.Spreadsheets;

namespace Sync.Engine.Catalog;

public enum ConfigurationLevel
{
    ITwin,
    IModel,
    Connection,
}

public enum SettingKind
{
    Boolean,
    Number,
    Text,
}

/// <summary>One setting a configuration scope accepts, with its default as a JSON literal.</summary>
/// <param name="Inherited">Also accepted at every narrower scope, which overrides the broader one (ours: <c>autoSync</c>).</param>
public sealed record ConfigurationSetting(string Name, ConfigurationLevel Level, SettingKind Kind, string DefaultLiteral, bool Inherited = false);

/// <summary>
/// The settings of the three configuration scopes (spec §1.5; ours: <c>spreadsheetKeyColumn</c>) and how they
/// resolve: defaults &lt; iTwin &lt; iModel &lt; connection. Values travel as JSON literals (<c>true</c>, <c>8849</c>,
/// <c>"Tag"</c>); connectors receive them as plain text.
/// </summary>
public static class ConfigurationSettings
{
    public const int MaxTextLength = 128;

    /// <summary>Ours: the iModel's coordinate reference system ("EPSG:32633"), over the spatial root file's.</summary>
    public const string GeographicCoordinateSystem = "geographicCoordinateSystem";

    /// <summary>Ours: a new version of a storage file starts a run of the connections that map it (default on).</summary>
    public const string AutoSync = "autoSync";

    public static readonly IReadOnlyList<ConfigurationSetting> All =
    [
        Flag("uploadDgnRealityData", ConfigurationLevel.ITwin, true),
        Flag(AutoSync, ConfigurationLevel.ITwin, true) with { Inherited = true },
        Flag("convertDgnTerrainModels", ConfigurationLevel.ITwin, false),
        Flag("squashIntermediateRevisions", ConfigurationLevel.ITwin, false),
        Flag("convertDgnHyperModelingSections", ConfigurationLevel.ITwin, true),
        Flag("skipRvtReprojection", ConfigurationLevel.ITwin, false),
        Flag("allowRevitIgnoreGcs", ConfigurationLevel.ITwin, false),
        Flag("clampZExtent", ConfigurationLevel.IModel, false),
        new("overrideRvtReprojectionDistance", ConfigurationLevel.IModel, SettingKind.Number, "0"),
        Flag("enableFileNamePolicy", ConfigurationLevel.IModel, false),
        new(GeographicCoordinateSystem, ConfigurationLevel.IModel, SettingKind.Text, "\"\""),
        Flag("reclassifyDgnElements", ConfigurationLevel.Connection, false),
        Flag("ignoreDgnAttachments", ConfigurationLevel.Connection, false),
        Flag("enableSheetsAndDrawings", ConfigurationLevel.Connection, false),
        Flag("enableC3dGraphsIn2dModel", ConfigurationLevel.Connection, false),
        Flag("enableSheetIndex", ConfigurationLevel.Connection, false),
        Flag("filterBySheetIndex", ConfigurationLevel.Connection, false),
        new(SpreadsheetConnector.KeyColumnSetting, ConfigurationLevel.Connection, SettingKind.Text, "\"\""),
    ];

    /// <summary>The settings a scope of <paramref name="level"/> accepts: its own and the inherited ones of broader levels.</summary>
    public static IEnumerable<ConfigurationSetting> Of(ConfigurationLevel level) => All.Where(s => s.Level == level || (s.Inherited && s.Level < level));

    /// <summary>Whether a resolved boolean setting is on (a missing one is off).</summary>
    public static bool IsOn(IReadOnlyDictionary<string, string> resolved, string name)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        return resolved.TryGetValue(name, out string? literal) && literal == "true";
    }

    /// <summary>The key of the entity holding a scope's settings, e.g. <c>imodel|{id}</c>.</summary>
    public static string ScopeKey(ConfigurationLevel level, string id) => $"{level.ToString().ToLowerInvariant()}|{id}";

    /// <summary>
    /// The effective settings of a scope: the defaults of <paramref name="levels"/>, overridden by each stored
    /// scope in <paramref name="storedBroadestFirst"/> order.
    /// </summary>
    public static Dictionary<string, string> Resolve(IEnumerable<ConfigurationLevel> levels, IEnumerable<IReadOnlyDictionary<string, string>> storedBroadestFirst)
    {
        ArgumentNullException.ThrowIfNull(storedBroadestFirst);
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var level in levels)
        {
            foreach (var setting in Of(level))
            {
                resolved[setting.Name] = setting.DefaultLiteral;
            }
        }

        foreach (var stored in storedBroadestFirst)
        {
            foreach (var (name, literal) in stored)
            {
                resolved[name] = literal;
            }
        }

        return resolved;
    }

    /// <summary>A literal as a connector reads it: strings unquoted, numbers and booleans as written.</summary>
    public static string PlainValue(string literal)
    {
        using var document = JsonDocument.Parse(literal);
        return document.RootElement.ValueKind == JsonValueKind.String
            ? document.RootElement.GetString() ?? string.Empty
            : document.RootElement.GetRawText();
    }

    private static ConfigurationSetting Flag(string name, ConfigurationLevel level, bool value) =>
        new(name, level, SettingKind.Boolean, value ? "true" : "false");
}

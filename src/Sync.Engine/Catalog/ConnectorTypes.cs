using System.Collections.Frozen;

namespace Sync.Engine.Catalog;

/// <summary>The connector types the Synchronization API accepts (spec §2.4), whether or not we can read them yet.</summary>
public static class ConnectorTypes
{
    public static readonly IReadOnlyList<string> All =
    [
        "AUTOPLANT", "AVEVAPID", "AVEVADIAGRAMS", "CIVIL", "CIVIL3D", "DWG", "GEOSPATIAL", "IFC", "INTELLIPID",
        "MSTN", "NWD", "OBD", "OPENTOWER", "PROSTRUCTURES", "PSEXCEL", "REVIT", "SHELLEDWCSV", "SPPID", "SPXREVIEW",
    ];

    private static readonly FrozenSet<string> Known = All.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The canonical (upper-case) name of a connector type, or null when it is not one.</summary>
    public static string? Normalize(string? value) =>
        value is not null && Known.TryGetValue(value, out string? canonical) ? canonical : null;
}

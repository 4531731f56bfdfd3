using System.Globalization;
using System.Text.RegularExpressions;

namespace Sync.Engine.Connectors.Geospatial;

/// <summary>Names a layer's coordinate reference system "EPSG:n" where its definition allows, from URNs and WKT.</summary>
internal static partial class CrsNames
{
    /// <summary>"EPSG:3857", "urn:ogc:def:crs:EPSG::3857", "urn:ogc:def:crs:OGC:1.3:CRS84" → "EPSG:…"; null when unknown.</summary>
    public static string? Normalize(string name)
    {
        if (name.EndsWith("CRS84", StringComparison.OrdinalIgnoreCase))
        {
            return "EPSG:4326";
        }

        var match = EpsgName().Match(name);
        return match.Success ? "EPSG:" + match.Groups[1].Value : null;
    }

    /// <summary>
    /// The EPSG code of a WKT definition: its own (outermost, so last) AUTHORITY, or the ESRI names .prj files use
    /// for WGS84, Web Mercator and WGS84 UTM zones; else the definition's name, or null for text that is not WKT.
    /// </summary>
    public static string? FromWkt(string wkt)
    {
        var authorities = Authority().Matches(wkt);
        if (authorities.Count > 0)
        {
            return "EPSG:" + authorities[^1].Groups[1].Value;
        }

        if (WktName().Match(wkt) is not { Success: true } m)
        {
            return null;
        }

        string name = m.Groups[1].Value;
        if (name.Equals("GCS_WGS_1984", StringComparison.OrdinalIgnoreCase) || name.Equals("WGS 84", StringComparison.OrdinalIgnoreCase))
        {
            return "EPSG:4326";
        }

        if (name.Contains("Web_Mercator", StringComparison.OrdinalIgnoreCase))
        {
            return "EPSG:3857";
        }

        if (Utm().Match(name) is { Success: true } utm)
        {
            int zone = int.Parse(utm.Groups[1].Value, CultureInfo.InvariantCulture);
            if (zone is >= 1 and <= 60)
            {
                return $"EPSG:{(utm.Groups[2].Value.Equals("N", StringComparison.OrdinalIgnoreCase) ? 32600 : 32700) + zone}";
            }
        }

        return name;
    }

    [GeneratedRegex(@"EPSG:{1,2}(?:[\d.]*:)?(\d{4,6})$", RegexOptions.IgnoreCase)]
    private static partial Regex EpsgName();

    [GeneratedRegex(@"AUTHORITY\[\s*""EPSG""\s*,\s*""?(\d+)""?\s*\]", RegexOptions.IgnoreCase)]
    private static partial Regex Authority();

    [GeneratedRegex(@"^\s*\w+\[\s*""([^""]*)""")]
    private static partial Regex WktName();

    [GeneratedRegex(@"WGS_1984_UTM_Zone_(\d{1,2})([NS])$", RegexOptions.IgnoreCase)]
    private static partial Regex Utm();
}

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Xml;
using System.Xml.Linq;
using NetTopologySuite.Geometries;
using Sync.Engine.Elements;
using FeatureGeometry = NetTopologySuite.Geometries.Geometry;

namespace Sync.Engine.Connectors.Geospatial;

/// <summary>
/// KML 2.2 (OGC 07-147), streamed with an asynchronous <see cref="XmlReader"/> (no thread waits on a download): every Placemark is a feature of the file's layer
/// (name, description, ExtendedData Data and SimpleData as properties; Point, LineString, LinearRing, Polygon and
/// MultiGeometry in WGS84), and every Folder or Document is an element (GEOSPATIAL:KmlFolder) that is the parent of
/// what it holds. Identifiers: the element's <c>id</c> attribute, else its path of names (repeats get "[n]").
/// </summary>
internal sealed class KmlReader(SourceContext context)
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    private static readonly XmlReaderSettings Xml = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreWhitespace = true, Async = true };

    private readonly Stack<Folder> _folders = new();

    public async IAsyncEnumerable<SourceElement> ReadAsync(Stream content, string layerName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var layer = new FeatureLayer(layerName, "EPSG:4326", null, context);
        using var reader = XmlReader.Create(content, Xml);
        long fid = 0;

        // Reading a placemark or a name moves the reader past it, onto the next node: that one is not read again.
        bool positioned = false;
        while (positioned || await NextAsync(reader).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            positioned = false;
            if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName is "Folder" or "Document")
            {
                yield return _folders.Pop().Element(_folders.Count > 0 ? _folders.Peek().Identifier : layer.Identifier);
                continue;
            }

            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (reader.LocalName is "Folder" or "Document" && !reader.IsEmptyElement)
            {
                _folders.Push(new Folder(reader.GetAttribute("id"), _folders.Count > 0 ? _folders.Peek() : null, reader.LocalName));
                continue;
            }

            if (reader.LocalName is "name" && _folders.Count > 0 && _folders.Peek().Name is null && reader.Depth > 0)
            {
                _folders.Peek().Name = await TextAsync(reader).ConfigureAwait(false);
                positioned = true;
                continue;
            }

            if (reader.LocalName == "Placemark")
            {
                var placemark = await LoadAsync(reader, cancellationToken).ConfigureAwait(false);
                positioned = true;
                var folder = _folders.Count > 0 ? _folders.Peek() : null;
                yield return Placemark(layer, placemark, folder, ++fid);
            }
        }

        yield return layer.Element();
    }

    private async Task<bool> NextAsync(XmlReader reader)
    {
        try
        {
            return await reader.ReadAsync().ConfigureAwait(false);
        }
        catch (XmlException e)
        {
            throw new SourceFormatException($"'{context.FileName}' is not valid KML: {e.Message}", e);
        }
    }

    private async Task<string> TextAsync(XmlReader reader)
    {
        try
        {
            return (await reader.ReadElementContentAsStringAsync().ConfigureAwait(false)).Trim();
        }
        catch (XmlException e)
        {
            throw new SourceFormatException($"'{context.FileName}' is not valid KML: {e.Message}", e);
        }
    }

    private async Task<XElement> LoadAsync(XmlReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return (XElement)await XNode.ReadFromAsync(reader, cancellationToken).ConfigureAwait(false);
        }
        catch (XmlException e)
        {
            throw new SourceFormatException($"'{context.FileName}' is not valid KML: {e.Message}", e);
        }
    }

    private SourceElement Placemark(FeatureLayer layer, XElement placemark, Folder? folder, long fid)
    {
        var attributes = new List<KeyValuePair<string, object?>>();
        string? name = Child(placemark, "name")?.Value.Trim();
        if (!string.IsNullOrEmpty(name))
        {
            attributes.Add(new("name", name));
        }

        if (Child(placemark, "description")?.Value.Trim() is { Length: > 0 } description)
        {
            attributes.Add(new("description", description));
        }

        foreach (var data in placemark.Descendants().Where(e => e.Name.LocalName is "Data" or "SimpleData"))
        {
            if (data.Attribute("name")?.Value is { Length: > 0 } key)
            {
                string text = data.Name.LocalName == "Data" ? (Child(data, "value")?.Value ?? string.Empty) : data.Value;
                attributes.Add(new(key, Typed(text.Trim())));
            }
        }

        FeatureGeometry? geometry;
        try
        {
            geometry = placemark.Elements().Select(Geometry).FirstOrDefault(g => g is not null);
        }
        catch (FormatException e)
        {
            throw new SourceFormatException($"'{context.FileName}' placemark {fid} ('{name}'): {e.Message}", e);
        }

        // The placemark's own id, else its place: folder path and name, told apart by order.
        string identifier = placemark.Attribute("id")?.Value is { Length: > 0 } id
            ? id
            : (folder?.Unique(name ?? "placemark") ?? _topLevel.Next(name ?? "placemark"));
        return layer.Feature(identifier, attributes, geometry, fid, folder?.Identifier);
    }

    private readonly SiblingNames _topLevel = new();

    private static XElement? Child(XElement element, string localName) => element.Elements().FirstOrDefault(e => e.Name.LocalName == localName);

    private static object Typed(string text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) ? d
        : text;

    private static FeatureGeometry? Geometry(XElement element)
    {
        switch (element.Name.LocalName)
        {
            case "Point":
                var point = Coordinates(element);
                return point.Length == 0 ? null : Factory.CreatePoint(point[0]);
            case "LineString":
                return Factory.CreateLineString(Coordinates(element));
            case "LinearRing":
                return Factory.CreateLinearRing(Closed(Coordinates(element)));
            case "Polygon":
                var outer = element.Elements().FirstOrDefault(e => e.Name.LocalName == "outerBoundaryIs");
                if (outer is null)
                {
                    return null;
                }

                var holes = element.Elements().Where(e => e.Name.LocalName == "innerBoundaryIs").Select(h => Factory.CreateLinearRing(Closed(Coordinates(h)))).ToArray();
                return Factory.CreatePolygon(Factory.CreateLinearRing(Closed(Coordinates(outer))), holes);
            case "MultiGeometry":
                var parts = element.Elements().Select(Geometry).Where(g => g is not null).ToArray();
                return parts.Length == 0 ? null : Factory.CreateGeometryCollection(parts!);
            default:
                return null;
        }
    }

    /// <summary>The "lon,lat[,alt]" tuples of the first coordinates element under <paramref name="element"/>.</summary>
    private static Coordinate[] Coordinates(XElement element)
    {
        string text = element.Descendants().FirstOrDefault(e => e.Name.LocalName == "coordinates")?.Value ?? string.Empty;
        var coordinates = new List<Coordinate>();
        foreach (string tuple in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = tuple.Split(',');
            if (parts.Length < 2
                || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double lon)
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double lat))
            {
                throw new FormatException($"'{tuple}' is not a longitude,latitude[,altitude] coordinate");
            }

            coordinates.Add(parts.Length > 2 && double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double alt)
                ? new CoordinateZ(lon, lat, alt)
                : new Coordinate(lon, lat));
        }

        return [.. coordinates];
    }

    /// <summary>Rings must close; KML writers sometimes leave the last point out.</summary>
    private static Coordinate[] Closed(Coordinate[] ring)
    {
        if (ring.Length < 3)
        {
            throw new FormatException("a ring needs at least three coordinates");
        }

        return ring[0].Equals2D(ring[^1]) ? ring : [.. ring, ring[0]];
    }

    private sealed class Folder(string? id, Folder? parent, string kind)
    {
        private readonly SiblingNames _children = new();
        private string? _path;

        public string? Name { get; set; }

        /// <summary>The folder's path of names from the file's top, set when its name is known (or its kind when it has none).</summary>
        public string Path => _path ??= parent is null ? Name ?? kind : parent.Unique(Name ?? kind);

        public string Identifier => id is { Length: > 0 } ? "folder:" + id : "folder:" + Path;

        /// <summary>A child's path: this folder's and the child's name, "[n]" for the n-th repeat among siblings.</summary>
        public string Unique(string name) => Path + "/" + _children.Next(name);

        public SourceElement Element(string parentIdentifier)
        {
            var properties = new List<KeyValuePair<string, object>> { new("Kind", kind) };
            SourceProperties.AddText(properties, "Name", Name);
            return new SourceElement(Identifier, "GEOSPATIAL:KmlFolder", SourceProperties.SortedByName(properties), Name, parentIdentifier);
        }
    }
}

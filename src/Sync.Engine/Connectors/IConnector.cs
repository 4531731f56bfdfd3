using Sync.Engine.Elements;

namespace Sync.Engine.Connectors;

/// <summary>
/// Turns one source file into elements, streaming: it never holds the whole file's elements. A change of
/// <see cref="Version"/> (how elements are produced) forces every file it read to be converted again.
/// </summary>
public interface IConnector
{
    /// <summary>The spec's connector type, e.g. PSEXCEL.</summary>
    string ConnectorType { get; }

    /// <summary>File extensions it reads, lower-case without the dot.</summary>
    IReadOnlyList<string> Extensions { get; }

    string Version { get; }

    /// <summary>The class-name prefix (schema alias) of every class it produces.</summary>
    string SchemaAlias { get; }

    /// <summary>
    /// The configuration settings that change which elements it produces. A file is read again when one of
    /// their values changes, even if the file did not.
    /// </summary>
    IReadOnlyList<string> SettingNames { get; }

    IAsyncEnumerable<SourceElement> ReadAsync(Stream content, SourceContext context, CancellationToken cancellationToken);
}

/// <summary>What a connector knows about the file it reads, and where it reports what a user should know.</summary>
public sealed class SourceContext(string fileName, IReadOnlyDictionary<string, string>? settings = null)
{
    private readonly List<string> _warnings = [];

    public string FileName { get; } = fileName;

    public IReadOnlyDictionary<string, string> Settings { get; } = settings ?? new Dictionary<string, string>();

    /// <summary>Files that belong to the one read and arrive beside it, by name (a shapefile's .dbf, .shx, .prj).</summary>
    public IReadOnlyDictionary<string, Func<CancellationToken, Task<Stream>>> Companions { get; init; } = new Dictionary<string, Func<CancellationToken, Task<Stream>>>();

    /// <summary>Where a connector may write temporary files (an archive's members, a database to open); each read uses a directory of its own under it.</summary>
    public string ScratchRoot { get; init; } = Path.Combine(Path.GetTempPath(), "sync-scratch");

    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>The file's coordinate reference system when it has one ("EPSG:n" or a name), set by its connector.</summary>
    public string? CoordinateSystem { get; set; }

    /// <summary>The definition (WKT) of <see cref="CoordinateSystem"/>, when the file carries one.</summary>
    public string? CoordinateSystemDefinition { get; set; }

    public void Warn(string message) => _warnings.Add(message);
}

/// <summary>The file cannot be read by its connector (corrupt, wrong format). Not transient: retrying will not help.</summary>
public sealed class SourceFormatException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The connector type is valid in the API but this service cannot read it (yet), or not this file's extension.</summary>
public sealed class ConnectorNotAvailableException(string message) : Exception(message);

using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Sync.Engine.Elements;

namespace Sync.Engine.Changes;

/// <summary>
/// Writes element operations as gzip-compressed NDJSON, one operation a line, and hashes (SHA-1) the
/// uncompressed bytes so the content of a changeset has an identity independent of the compressor.
/// Lines: <c>{"op":"insert"|"update","id","checksum","element":{…}}</c>, <c>{"op":"delete","id","sourceFileId"}</c>,
/// <c>{"op":"schema","class","properties":{name:type}}</c>.
/// </summary>
public sealed class ChangeLineWriter : IAsyncDisposable
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private readonly GZipStream _gzip;
    private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
    private readonly ArrayBufferWriter<byte> _line = new(4096);
    private readonly Utf8JsonWriter _json;
    private bool _disposed;

    public ChangeLineWriter(Stream destination)
    {
        _gzip = new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: false);
        _json = new Utf8JsonWriter(_line, Options);
    }

    public string ContentSha1 { get; private set; } = string.Empty;

    public long Lines { get; private set; }

    public ValueTask WriteElementAsync(string op, long id, UInt128 checksum, ReadOnlyMemory<byte> elementJson, CancellationToken cancellationToken)
    {
        Begin();
        _json.WriteString("op", op);
        _json.WriteString("id", ElementId.Format(id));
        _json.WriteString("checksum", checksum.ToString("x32", CultureInfo.InvariantCulture));
        _json.WritePropertyName("element");
        _json.WriteRawValue(elementJson.Span, skipInputValidation: true);
        return EndAsync(cancellationToken);
    }

    public ValueTask WriteDeleteAsync(long id, string sourceFileId, CancellationToken cancellationToken)
    {
        Begin();
        _json.WriteString("op", "delete");
        _json.WriteString("id", ElementId.Format(id));
        _json.WriteString("sourceFileId", sourceFileId);
        return EndAsync(cancellationToken);
    }

    public ValueTask WriteSchemaAsync(string className, IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(properties);
        Begin();
        _json.WriteString("op", "schema");
        _json.WriteString("class", className);
        _json.WriteStartObject("properties");
        foreach (var (name, type) in properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            _json.WriteString(name, type);
        }

        _json.WriteEndObject();
        return EndAsync(cancellationToken);
    }

    private void Begin()
    {
        _line.ResetWrittenCount();
        _json.Reset(_line);
        _json.WriteStartObject();
    }

    private async ValueTask EndAsync(CancellationToken cancellationToken)
    {
        _json.WriteEndObject();
        _json.Flush();
        _line.GetSpan(1)[0] = (byte)'\n';
        _line.Advance(1);
        _sha1.AppendData(_line.WrittenSpan);
        Lines++;
        await _gzip.WriteAsync(_line.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ContentSha1 = Convert.ToHexStringLower(_sha1.GetHashAndReset());
        await _json.DisposeAsync().ConfigureAwait(false);
        await _gzip.DisposeAsync().ConfigureAwait(false);
        _sha1.Dispose();
    }
}

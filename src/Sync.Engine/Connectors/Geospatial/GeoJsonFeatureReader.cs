using System.Text.Json;
using Sync.Engine.Connectors.Streams;

namespace Sync.Engine.Connectors.Geospatial;

/// <summary>
/// Streams the features of a GeoJSON FeatureCollection one at a time: a buffer of the file's bytes is scanned with
/// <see cref="Utf8JsonReader"/>, and each complete feature object becomes a <see cref="JsonDocument"/> of its own,
/// so memory holds one feature (and a legacy top-level "crs" member), never the collection.
/// </summary>
internal sealed class GeoJsonFeatureReader(Stream content, string fileName)
{
    /// <summary>A single feature larger than this is refused (a whole country's coastline is a few MB).</summary>
    public const int MaxFeatureBytes = 256 << 20;

    private readonly StreamWindow _window = new(content, MaxFeatureBytes);
    private JsonReaderState _state = new(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 256 });
    private string? _property;
    private bool _inFeatures;
    private bool _sawFeatures;
    private bool _done;
    private string? _type;

    /// <summary>The legacy (2008) "crs" member when it came before the features; RFC 7946 files have none (WGS84).</summary>
    public JsonDocument? Crs { get; private set; }

    /// <summary>The next feature, or null after the collection.</summary>
    public async ValueTask<JsonDocument?> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_done)
            {
                return null;
            }

            if (TryNext(out var feature))
            {
                if (feature is not null)
                {
                    return feature;
                }

                continue;
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Advances through the buffered bytes: true with a feature, true with null after other progress (or the end),
    /// false when more bytes are needed. A value cut by the buffer's end is re-read whole after the refill.
    /// </summary>
    private bool TryNext(out JsonDocument? feature)
    {
        feature = null;
        var reader = new Utf8JsonReader(_window.Unread, _window.AtEnd, _state);
        try
        {
            while (true)
            {
                var before = reader.CurrentState;
                long consumedBefore = reader.BytesConsumed;
                if (!reader.Read())
                {
                    Commit(ref reader);
                    if (_window.AtEnd)
                    {
                        Finish();
                    }

                    return _done;
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject when reader.CurrentDepth == 0:
                        continue;
                    case JsonTokenType.EndObject when reader.CurrentDepth == 0:
                        Commit(ref reader);
                        Finish();
                        return true;
                    case JsonTokenType.PropertyName when reader.CurrentDepth == 1:
                        _property = reader.GetString();
                        continue;
                    case JsonTokenType.StartArray when reader.CurrentDepth == 1 && _property == "features":
                        _inFeatures = _sawFeatures = true;
                        continue;
                    case JsonTokenType.EndArray when reader.CurrentDepth == 1 && _inFeatures:
                        _inFeatures = false;
                        continue;
                    case JsonTokenType.String when reader.CurrentDepth == 1 && _property == "type":
                        _type = reader.GetString();
                        continue;
                }

                bool isFeature = _inFeatures && reader.CurrentDepth == 2;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && (isFeature || reader.CurrentDepth == 1))
                {
                    int valueStart = (int)reader.TokenStartIndex;
                    if (!reader.TrySkip())
                    {
                        // Cut by the buffer's end: resume before this value once more bytes are in.
                        _window.Consume((int)consumedBefore);
                        _state = before;
                        return false;
                    }

                    var value = _window.UnreadMemory.Slice(valueStart, (int)reader.BytesConsumed - valueStart);
                    if (isFeature)
                    {
                        feature = JsonDocument.Parse(value.ToArray(), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
                        Commit(ref reader);
                        return true;
                    }

                    if (_property == "crs")
                    {
                        Crs = JsonDocument.Parse(value.ToArray());
                    }
                }
                else if (isFeature)
                {
                    throw Error($"a feature must be an object, not {reader.TokenType}");
                }
            }
        }
        catch (JsonException e)
        {
            throw Error(_window.AtEnd ? $"not valid JSON or truncated ({e.Message})" : $"not valid JSON ({e.Message})");
        }
    }

    private void Commit(ref Utf8JsonReader reader)
    {
        _window.Consume((int)reader.BytesConsumed);
        _state = reader.CurrentState;
    }

    private void Finish()
    {
        _done = true;
        if (!_sawFeatures)
        {
            throw Error(_type is null
                ? "no FeatureCollection found (the file has no \"features\" array)"
                : $"a GeoJSON {_type} is read only inside a FeatureCollection (the file has no \"features\" array)");
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_window.AtEnd)
        {
            throw Error("the file ends inside the collection (truncated?)");
        }

        if (!await _window.FillAsync(cancellationToken).ConfigureAwait(false))
        {
            throw Error($"a single feature larger than {MaxFeatureBytes >> 20} MiB");
        }
    }

    private SourceFormatException Error(string message) => new($"'{fileName}' is not a readable GeoJSON file: {message}.");
}

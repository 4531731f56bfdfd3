using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sync.Http.Infrastructure;

public static class ApiJson
{
    /// <summary>camelCase, nulls left out, enums as strings: the shape of every response body.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,

        // Responses are JSON for API clients, never embedded in HTML: keep '&', quotes and non-ASCII readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>ISO-8601 UTC with seven fraction digits and a Z, as the Synchronization API writes dates.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>As <see cref="Timestamp(DateTimeOffset)"/>; null stays null (and is left out of the JSON).</summary>
    public static string? Timestamp(DateTimeOffset? value) => value is { } v ? Timestamp(v) : null;
}

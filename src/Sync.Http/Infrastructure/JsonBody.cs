using System.Buffers;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Sync.Http.Infrastructure;

/// <summary>
/// A request's JSON object body, read with a size limit, with its properties looked up case-insensitively.
/// Field readers record every problem as a <see cref="ApiErrorDetail"/> (target = the field's path) so one
/// 422 answer names all of them; <see cref="ThrowIfInvalid"/> raises it.
/// </summary>
public sealed class JsonBody
{
    public const int MaxBytes = 1024 * 1024;

    private readonly Dictionary<string, JsonElement> _properties;
    private readonly List<ApiErrorDetail> _problems;
    private readonly string _errorCode;
    private readonly string _pathPrefix;

    private JsonBody(JsonElement root, string errorCode, string pathPrefix, List<ApiErrorDetail> problems)
    {
        _errorCode = errorCode;
        _pathPrefix = pathPrefix;
        _problems = problems;
        _properties = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in root.EnumerateObject())
        {
            _properties[property.Name] = property.Value;
        }
    }

    /// <summary>Reads the body; 422 MissingRequestBody when empty, 422 <paramref name="errorCode"/> when not a JSON object, 413 when too large.</summary>
    public static async Task<JsonBody> ReadAsync(HttpRequest request, string errorCode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBytes)
        {
            throw TooLarge();
        }

        var buffer = new ArrayBufferWriter<byte>();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.WrittenCount + read > MaxBytes)
            {
                throw TooLarge();
            }

            buffer.Write(chunk.AsSpan(0, read));
        }

        if (buffer.WrittenCount == 0 || buffer.WrittenSpan.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw ApiException.Invalid(ErrorCodes.MissingRequestBody, "The request body is missing.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw ApiException.Invalid(errorCode, $"The request body is not valid JSON: {e.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.Invalid(errorCode, "The request body must be a JSON object.");
            }

            return new JsonBody(document.RootElement.Clone(), errorCode, string.Empty, []);
        }
    }

    /// <summary>Every property of the object, as sent.</summary>
    public IEnumerable<KeyValuePair<string, JsonElement>> Properties => _properties;

    public bool Has(string name) => _properties.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public string? RequiredString(string name, int maxLength = 256) => String(name, required: true, maxLength);

    public string? OptionalString(string name, int maxLength = 256) => String(name, required: false, maxLength);

    /// <summary>An optional boolean: null when absent or null; another JSON type is a problem.</summary>
    public bool? OptionalBool(string name)
    {
        if (!_properties.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        Problem(ErrorCodes.InvalidValue, $"'{name}' must be true or false.", name);
        return null;
    }

    public Guid? RequiredGuid(string name)
    {
        string? text = String(name, required: true, maxLength: 64);
        if (text is null)
        {
            return null;
        }

        if (Guid.TryParse(text, out Guid id) && id != Guid.Empty)
        {
            return id;
        }

        Problem(ErrorCodes.InvalidValue, $"'{text}' is not a valid UUID.", name);
        return null;
    }

    /// <summary>An optional string restricted to <paramref name="allowed"/> (case-insensitive); returns the canonical spelling.</summary>
    public string? OptionalChoice(string name, IReadOnlyList<string> allowed)
    {
        string? text = OptionalString(name, maxLength: 64);
        if (text is null)
        {
            return null;
        }

        string? match = allowed.FirstOrDefault(a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            Problem(ErrorCodes.InvalidValue, $"'{text}' is not one of: {string.Join(", ", allowed)}.", name);
        }

        return match;
    }

    /// <summary>A required non-empty array of objects, each read as a nested body whose problems carry the item's path.</summary>
    public IReadOnlyList<JsonBody>? RequiredObjectArray(string name, int maxItems) => ObjectArray(name, maxItems, required: true);

    /// <summary>An optional array of objects (absent, null or empty: none), each read as a nested body.</summary>
    public IReadOnlyList<JsonBody> OptionalObjectArray(string name, int maxItems) => ObjectArray(name, maxItems, required: false) ?? [];

    /// <summary>An optional object read as a nested body whose problems carry its path.</summary>
    public JsonBody? OptionalObject(string name)
    {
        if (!_properties.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Problem(ErrorCodes.InvalidValue, $"'{name}' must be an object.", name);
            return null;
        }

        return new JsonBody(value, _errorCode, $"{_pathPrefix}{name}.", _problems);
    }

    private List<JsonBody>? ObjectArray(string name, int maxItems, bool required)
    {
        if (!_properties.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Problem(ErrorCodes.MissingRequiredProperty, $"Required property '{name}' is missing.", name);
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Problem(ErrorCodes.InvalidValue, $"'{name}' must be an array.", name);
            return null;
        }

        int count = value.GetArrayLength();
        if ((required && count == 0) || count > maxItems)
        {
            Problem(ErrorCodes.InvalidValue, $"'{name}' must hold between {(required ? 1 : 0)} and {maxItems} items.", name);
            return null;
        }

        var items = new List<JsonBody>(count);
        int index = 0;
        foreach (var item in value.EnumerateArray())
        {
            string path = $"{name}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                Problem(ErrorCodes.InvalidValue, $"'{path}' must be an object.", path);
                continue;
            }

            items.Add(new JsonBody(item, _errorCode, $"{_pathPrefix}{path}.", _problems));
        }

        return items;
    }

    /// <summary>Records a problem found by the caller's own rule (a reference that does not exist, a duplicate, ...).</summary>
    public void Problem(string code, string message, string name) => _problems.Add(new ApiErrorDetail(code, message, _pathPrefix + name));

    public string Path(string name) => _pathPrefix + name;

    public bool IsValid => _problems.Count == 0;

    public void ThrowIfInvalid(string message)
    {
        if (_problems.Count > 0)
        {
            throw new ApiException(HttpStatusCode.UnprocessableEntity, _errorCode, message, details: _problems.ToArray());
        }
    }

    private string? String(string name, bool required, int maxLength)
    {
        if (!_properties.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Problem(ErrorCodes.MissingRequiredProperty, $"Required property '{name}' is missing.", name);
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Problem(ErrorCodes.InvalidValue, $"'{name}' must be a string, not {value.ValueKind.ToString().ToLowerInvariant()}.", name);
            return null;
        }

        string text = value.GetString()!;
        if (required && string.IsNullOrWhiteSpace(text))
        {
            Problem(ErrorCodes.InvalidValue, $"'{name}' must not be empty.", name);
            return null;
        }

        if (text.Length > maxLength)
        {
            Problem(ErrorCodes.InvalidValue, $"'{name}' must be at most {maxLength} characters long.", name);
            return null;
        }

        return text;
    }

    internal static ApiException TooLarge() =>
        new(HttpStatusCode.RequestEntityTooLarge, ErrorCodes.RequestBodyTooLarge, $"The request body exceeds {MaxBytes} bytes.");
}

using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.OpenApi;
using Sync.Engine.Catalog;
using Sync.Http.Access;
using Sync.Http.Api;
using Sync.Http.Infrastructure;

namespace Sync.Http.Routing;

/// <summary>
/// The OpenAPI 3.1 document of the API, built from <see cref="ApiRoutes.All"/> so it cannot drift from what the
/// hosts serve: every operation with its path parameters, the query or body id its access check reads, bearer
/// security with the read or write scope, and the error responses every operation can give in the API's format.
/// </summary>
public static partial class OpenApiDescription
{
    private const string ErrorSchema = "ErrorResponse";
    private const string Bearer = "bearer";

    /// <summary>The document as JSON (built once; the route table is fixed).</summary>
    public static string Json(string readScope, string writeScope) => Cache.GetOrAdd((readScope, writeScope), key => Build(key.Read, key.Write));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Read, string Write), string> Cache = new();

    private static string Build(string readScope, string writeScope)
    {
        var document = new OpenApiDocument
        {
            Info = new OpenApiInfo
            {
                Title = "SyncFunctions",
                Version = "1.0",
                Description = "Bentley-compatible iTwin Synchronization and Storage APIs, and our own iTwins, iModels, elements and changesets.",
            },
            Paths = new OpenApiPaths(),
            Components = new OpenApiComponents
            {
                Schemas = new Dictionary<string, IOpenApiSchema>(),
                SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(),
            },
        };
        document.Components.Schemas[ErrorSchema] = ErrorResponse();
        document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = $"An OpenID Connect access token; GET needs scope '{readScope}', other methods '{writeScope}'.",
        };

        foreach (var group in ApiRoutes.All.Where(r => r != ApiRoutes.Preflight).GroupBy(r => "/" + r.Template, StringComparer.Ordinal))
        {
            var item = new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation>() };
            foreach (var route in group)
            {
                item.Operations[HttpMethod.Parse(route.Method)] = Operation(document, route, route.Method == "GET" ? readScope : writeScope);
            }

            document.Paths[group.Key] = item;
        }

        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        document.SerializeAsV31(new OpenApiJsonWriter(text));
        return WithDeclaredSchemas(text.ToString());
    }

    /// <summary>
    /// Adds the schemas of the declared request and answer types (<see cref="ApiRoute.Body"/>, <see cref="ApiRoute.Answer"/>),
    /// exported by System.Text.Json with the very options answers are written with, and points each operation at them.
    /// </summary>
    private static string WithDeclaredSchemas(string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        var schemas = root["components"]!["schemas"]!.AsObject();
        foreach (var route in ApiRoutes.All)
        {
            var operation = root["paths"]?["/" + route.Template]?[route.Method.ToLowerInvariant()]?.AsObject();
            if (operation is null)
            {
                continue;
            }

            var success = operation["responses"]!["2XX"]!.AsObject();
            if (route.Answer is { } answer)
            {
                var schema = route.RepresentationAnswer is { } full
                    ? new JsonObject { ["anyOf"] = new JsonArray(Reference(schemas, answer), Reference(schemas, full)) }
                    : Reference(schemas, answer);
                success["content"] = Content("application/json", schema);
                if (Example(answer) is { } example)
                {
                    success["content"]!["application/json"]!["example"] = example;
                }
            }
            else if (route.Produces is { } mediaType)
            {
                success["content"] = Content(mediaType, new JsonObject { ["type"] = "string", ["contentMediaType"] = mediaType });
            }

            if (route == ApiRoutes.Health)
            {
                operation["responses"]!["503"] = new JsonObject { ["description"] = "Storage or the durable worker is not healthy.", ["content"] = Content("application/json", Reference(schemas, route.Answer!)) };
            }

            if (route.Body is { } body)
            {
                var (mediaType, schema) = body switch
                {
                    ApiBody.JsonBodyOf of => ("application/json", Reference(schemas, of.Type)),
                    ApiBody.SettingsOf settings => ("application/json", SettingsSchema(settings.Level)),
                    _ => ("application/octet-stream", new JsonObject { ["type"] = "string", ["contentMediaType"] = "application/octet-stream" }),
                };
                var content = Content(mediaType, schema);
                if (body is ApiBody.JsonBodyOf { Type: var type } && Example(type) is { } example)
                {
                    content[mediaType]!["example"] = example;
                }

                operation["requestBody"] = new JsonObject { ["required"] = true, ["content"] = content };
            }
        }

        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static readonly JsonSerializerOptions SchemaOptions = new(ApiJson.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    /// <summary>A reference to the type's schema, exported into the components on first use.</summary>
    private static JsonObject Reference(JsonObject schemas, Type type)
    {
        if (!schemas.ContainsKey(type.Name))
        {
            var schema = JsonSchemaExporter.GetJsonSchemaAsNode(SchemaOptions, type, new JsonSchemaExporterOptions
            {
                TreatNullObliviousAsNonNullable = true,
                TransformSchemaNode = Described,
            });
            OmittedNullsAreOptional(schema);
            schemas[type.Name] = schema;
        }

        return new JsonObject { ["$ref"] = $"#/components/schemas/{type.Name}" };
    }

    /// <summary>A property's <see cref="DescriptionAttribute"/> becomes its schema's description.</summary>
    private static JsonNode Described(JsonSchemaExporterContext context, JsonNode schema)
    {
        if (context.PropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(DescriptionAttribute), inherit: false) is [DescriptionAttribute description, ..] && schema is JsonObject node)
        {
            node.Insert(0, "description", description.Description);
        }

        return schema;
    }

    /// <summary>The type's example (<see cref="ApiExamples"/>) as answers write it.</summary>
    private static JsonNode? Example(Type type) =>
        ApiExamples.For(type) is { } example ? JsonSerializer.SerializeToNode(example, type, SchemaOptions) : null;

    private static JsonObject Content(string mediaType, JsonNode schema) => new() { [mediaType] = new JsonObject { ["schema"] = schema } };

    /// <summary>The settings a configuration scope accepts, each with its JSON type; any subset may be sent.</summary>
    private static JsonObject SettingsSchema(ConfigurationLevel level)
    {
        var properties = new JsonObject();
        foreach (var setting in ConfigurationSettings.Of(level))
        {
            var schema = new JsonObject
            {
                ["type"] = setting.Kind switch { SettingKind.Boolean => "boolean", SettingKind.Number => "number", _ => "string" },
                ["default"] = JsonNode.Parse(setting.DefaultLiteral),
            };
            if (setting.Kind == SettingKind.Text)
            {
                schema["maxLength"] = ConfigurationSettings.MaxTextLength;
            }

            properties[setting.Name] = schema;
        }

        return new JsonObject { ["type"] = "object", ["properties"] = properties, ["additionalProperties"] = false };
    }

    private static OpenApiOperation Operation(OpenApiDocument document, ApiRoute route, string scope)
    {
        var parameters = new List<IOpenApiParameter>();
        foreach (Match match in PathParameter().Matches(route.Template))
        {
            parameters.Add(new OpenApiParameter { Name = match.Groups[1].Value, In = ParameterLocation.Path, Required = true, Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
        }

        if (route.Scope is { Source: IdSource.Query } query)
        {
            parameters.Add(new OpenApiParameter
            {
                Name = query.Name,
                In = ParameterLocation.Query,
                Required = query.AlternativeName is null,
                Description = query.AlternativeName is null ? null : $"Or '{query.AlternativeName}'.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }

        var operation = new OpenApiOperation
        {
            OperationId = route.Name,
            Tags = new HashSet<OpenApiTagReference> { new(Tag(route.Template), document) },
            Parameters = parameters,
            Responses = new OpenApiResponses
            {
                ["2XX"] = new OpenApiResponse { Description = SuccessDescription(route) },
            },
        };
        var errors = route.AllowAnonymous ? [] : new[]
        {
            ("401", "Missing or invalid token (HeaderNotFound, InvalidAuthorizationScheme, Unauthorized).", "Unauthorized", "The access token is missing, expired or invalid."),
            ("403", "RequiredScopeMissing, or InsufficientPermissions for the caller's role in the iTwin.", "InsufficientPermissions", "The caller's role in the iTwin does not allow this operation."),
            ("404", "Not found, or no role in its iTwin (the same answer).", NotFoundCode(route), "The requested resource is not available."),
            ("422", "Invalid request: the operation's Invalid…Request code with one detail per field.", "InvalidRequest", "The request is invalid."),
            ("429", "RateLimitExceeded (see Retry-After).", "RateLimitExceeded", "Too many requests; retry after the number of seconds in Retry-After."),
        };
        foreach (var (status, description, code, message) in errors.Append(("default", "Any other error in the same format: 409 conflicts, 413 too large, 503 unavailable, …", "Conflict", "The request conflicts with the resource's current state.")))
        {
            operation.Responses[status] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, IOpenApiMediaType>
                {
                    ["application/json"] = new OpenApiMediaType
                    {
                        Schema = new OpenApiSchemaReference(ErrorSchema, document),
                        Example = new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } },
                    },
                },
            };
        }

        if (!route.AllowAnonymous)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, document)] = [scope] }];
        }

        return operation;
    }

    private static string SuccessDescription(ApiRoute route) => route switch
    {
        { Produces: not null } => "The content (200).",
        { Answer: null } => "Done: 204 No Content, 202 Accepted with the run's Location, or a 302 redirect (download and sign-in links).",
        { Method: "POST" } => "Created (201, with Location) or done (200; 202 for upload links).",
        { RepresentationAnswer: not null } => "OK; with Prefer: return=representation every item in full.",
        _ => "OK.",
    };

    private static string NotFoundCode(ApiRoute route) => route.Template switch
    {
        _ when route.Template.Contains("{connectionId}", StringComparison.Ordinal) => ErrorCodes.ConnectionNotFound,
        _ when route.Template.StartsWith("imodels/{imodelId}", StringComparison.Ordinal) => ErrorCodes.IModelNotFound,
        _ when route.Template.StartsWith("storage/folders", StringComparison.Ordinal) => ErrorCodes.FolderNotFound,
        _ when route.Template.StartsWith("storage", StringComparison.Ordinal) => ErrorCodes.FileNotFound,
        _ => ErrorCodes.ITwinNotFound,
    };

    /// <summary>Answers leave null properties out (<c>WhenWritingNull</c>), so a property that may be null is not required.</summary>
    private static void OmittedNullsAreOptional(JsonNode? node)
    {
        if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                OmittedNullsAreOptional(item);
            }

            return;
        }

        if (node is not JsonObject schema)
        {
            return;
        }

        if (schema["properties"] is JsonObject properties && schema["required"] is JsonArray required)
        {
            foreach (var name in required.Select(r => (string)r!).ToList())
            {
                if (properties[name] is JsonObject property && IsNullable(property))
                {
                    required.Remove(required.First(r => (string)r! == name));
                }
            }
        }

        foreach (var (_, child) in schema.ToList())
        {
            OmittedNullsAreOptional(child);
        }
    }

    private static bool IsNullable(JsonObject schema) =>
        (schema["type"] is JsonArray types && types.Any(t => (string?)t == "null"))
        || (schema["enum"] is JsonArray values && values.Any(v => v is null));

    private static string Tag(string template) => template switch
    {
        _ when template.StartsWith("synchronization/imodels/storageConnections", StringComparison.Ordinal) => "Storage connections",
        _ when template.StartsWith("synchronization/imodels/manifestConnections", StringComparison.Ordinal) => "Manifest connections",
        _ when template.StartsWith("synchronization/configurations", StringComparison.Ordinal) => "Configurations",
        _ when template.StartsWith("synchronization", StringComparison.Ordinal) => "Connections and authorization",
        _ when template.StartsWith("storage", StringComparison.Ordinal) => "Storage",
        _ when template.StartsWith("itwins", StringComparison.Ordinal) => "iTwins",
        _ when template.StartsWith("imodels", StringComparison.Ordinal) => "iModels",
        _ => "Service",
    };

    private static OpenApiSchema ErrorResponse()
    {
        static OpenApiSchema Text() => new() { Type = JsonSchemaType.String };
        var detail = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "code", "message" },
            Properties = new Dictionary<string, IOpenApiSchema> { ["code"] = Text(), ["message"] = Text(), ["target"] = Text() },
        };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "error" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["error"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "code", "message" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["code"] = Text(),
                        ["message"] = Text(),
                        ["target"] = Text(),
                        ["details"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = detail },
                    },
                },
            },
        };
    }

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex PathParameter();
}

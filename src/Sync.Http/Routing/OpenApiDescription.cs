using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.OpenApi;
using Sync.Http.Access;

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
        return WithAnswerSchemas(text.ToString());
    }

    /// <summary>
    /// Adds the schema of every declared answer type (<see cref="ApiRoute.Answer"/>), exported by System.Text.Json with
    /// the very options answers are written with, and points the operation's success response at it.
    /// </summary>
    private static string WithAnswerSchemas(string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        var schemas = root["components"]!["schemas"]!.AsObject();
        var options = new JsonSerializerOptions(Infrastructure.ApiJson.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        foreach (var route in ApiRoutes.All.Where(r => r.Answer is not null))
        {
            var type = route.Answer!;
            if (!schemas.ContainsKey(type.Name))
            {
                var schema = JsonSchemaExporter.GetJsonSchemaAsNode(options, type, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
                OmittedNullsAreOptional(schema);
                schemas[type.Name] = schema;
            }

            var success = root["paths"]!["/" + route.Template]![route.Method.ToLowerInvariant()]!["responses"]!["2XX"]!.AsObject();
            success["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = $"#/components/schemas/{type.Name}" } } };
        }

        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
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
                ["2XX"] = new OpenApiResponse { Description = "Success (200, 201, 202, 204, or 302 for downloads and sign-in redirects)." },
            },
        };
        if (route.Method is "POST" or "PUT" or "PATCH")
        {
            var body = new OpenApiSchema { Type = JsonSchemaType.Object };
            if (route.Scope is { Source: IdSource.Body } inBody)
            {
                body.Required = new HashSet<string> { inBody.Name };
                body.Properties = new Dictionary<string, IOpenApiSchema> { [inBody.Name] = new OpenApiSchema { Type = JsonSchemaType.String } };
            }

            operation.RequestBody = new OpenApiRequestBody { Content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = body } } };
        }

        var errors = route.AllowAnonymous ? [("422", "Invalid request.")] : new[]
        {
            ("401", "Missing or invalid token (HeaderNotFound, InvalidAuthorizationScheme, Unauthorized)."),
            ("403", "RequiredScopeMissing, or InsufficientPermissions for the caller's role in the iTwin."),
            ("404", "Not found, or no role in its iTwin (the same answer)."),
            ("422", "Invalid request: the operation's Invalid…Request code with one detail per field."),
            ("429", "RateLimitExceeded (see Retry-After)."),
        };
        foreach (var (status, description) in errors)
        {
            operation.Responses[status] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ErrorSchema, document) } },
            };
        }

        if (!route.AllowAnonymous)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, document)] = [scope] }];
        }

        return operation;
    }

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
                if (properties[name]?["type"] is JsonArray types && types.Any(t => (string?)t == "null"))
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

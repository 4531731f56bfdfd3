using System.Text.RegularExpressions;
using Sync.Engine.Model;
using Sync.Http.Access;
using Sync.Http.Routing;

namespace Sync.Http.Tests;

[TestClass]
public sealed partial class ApiRoutesTests
{
    [TestMethod]
    public void Every_route_is_listed_once_with_a_unique_name_and_method_and_template()
    {
        var declared = typeof(ApiRoutes).GetFields().Where(f => f.FieldType == typeof(ApiRoute)).Select(f => (ApiRoute)f.GetValue(null)!).ToList();
        CollectionAssert.AreEquivalent(declared, ApiRoutes.All.ToList(), "All lists every declared route");
        CollectionAssert.AllItemsAreUnique(ApiRoutes.All.Select(r => r.Name).ToList());
        CollectionAssert.AllItemsAreUnique(ApiRoutes.All.Select(r => $"{r.Method} {r.Template.ToLowerInvariant()}").ToList());
    }

    [TestMethod]
    public void Only_health_and_the_browsers_return_from_sign_in_are_anonymous()
    {
        CollectionAssert.AreEqual(new[] { "Health", "Preflight", "GetOpenApiDocument", "CompleteAuthorization" }, ApiRoutes.All.Where(r => r.AllowAnonymous).Select(r => r.Name).ToArray());
    }

    [TestMethod]
    public void Templates_are_relative_and_valid_for_both_hosts()
    {
        foreach (var route in ApiRoutes.All.Where(r => r != ApiRoutes.Preflight))
        {
            Assert.IsFalse(route.Template.StartsWith('/'), route.Template);
            Assert.IsTrue(TemplatePattern().IsMatch(route.Template), route.Template);
            CollectionAssert.Contains(new[] { "GET", "POST", "PUT", "PATCH", "DELETE" }, route.Method);
        }

        Assert.AreEqual(("OPTIONS", "{*path}"), (ApiRoutes.Preflight.Method, ApiRoutes.Preflight.Template), "the one catch-all answers preflights only");
    }

    [TestMethod]
    public void A_route_naming_a_resource_in_its_path_finds_its_iTwin_through_the_innermost_owning_one()
    {
        // The resource a route's path names last (of those that belong to an iTwin) is the one access is checked on:
        // checking an outer one would let an id from another iTwin through.
        string[] owners = ["{connectionId}", "{fileId}", "{folderId}", "{imodelId}", "{itwinId}"];
        foreach (var route in ApiRoutes.All.Where(r => !r.AllowAnonymous))
        {
            string? named = owners.FirstOrDefault(o => route.Template.Contains(o, StringComparison.Ordinal));
            if (named is null)
            {
                continue;
            }

            Assert.IsNotNull(route.Scope, route.Name);
            Assert.AreEqual(IdSource.Route, route.Scope.Source, route.Name);
            Assert.AreEqual(named, "{" + route.Scope.Name + "}", route.Name);
        }
    }

    [TestMethod]
    public void The_OpenAPI_document_has_exactly_the_operations_of_the_route_table_and_validates()
    {
        string json = OpenApiDescription.Json("read-scope", "write-scope");
        var (document, diagnostic) = Microsoft.OpenApi.OpenApiDocument.Parse(json, "json");
        Assert.IsNotNull(document, string.Join("; ", diagnostic?.Errors.Select(e => e.Message) ?? []));
        Assert.IsEmpty(diagnostic!.Errors, string.Join("; ", diagnostic.Errors.Select(e => e.Message)));
        StringAssert.StartsWith(diagnostic.SpecificationVersion.ToString(), "OpenApi3_1");

        var described = document.Paths.SelectMany(p => p.Value.Operations!.Select(o => $"{o.Key.Method} {p.Key} {o.Value.OperationId}")).Order().ToList();
        var served = ApiRoutes.All.Where(r => r != ApiRoutes.Preflight).Select(r => $"{r.Method} /{r.Template} {r.Name}").Order().ToList();
        CollectionAssert.AreEqual(served, described);

        var run = document.Paths["/synchronization/imodels/storageConnections/{connectionId}/run"].Operations![HttpMethod.Post];
        Assert.AreEqual("connectionId", run.Parameters!.Single().Name);
        Assert.IsTrue(run.Responses!.ContainsKey("403") && run.Responses.ContainsKey("429"));
        Assert.AreEqual("write-scope", run.Security!.Single().Values.Single().Single());
        var list = document.Paths["/imodels"].Operations![HttpMethod.Get];
        Assert.AreEqual(("iTwinId", true), (list.Parameters!.Single().Name, list.Parameters!.Single().Required));
    }

    [TestMethod]
    public void Every_operation_declares_what_it_answers_and_the_body_it_reads()
    {
        // Operations that answer no content, a redirect, or the document itself.
        string[] bare =
        [
            nameof(ApiRoutes.Preflight), nameof(ApiRoutes.GetOpenApiDocument), nameof(ApiRoutes.CompleteAuthorization), nameof(ApiRoutes.DownloadFileLink),
            nameof(ApiRoutes.RunStorageConnection), nameof(ApiRoutes.RunManifestConnection), nameof(ApiRoutes.CancelStorageConnectionRun), nameof(ApiRoutes.CancelManifestConnectionRun),
            nameof(ApiRoutes.RestoreRecycledFile), nameof(ApiRoutes.RestoreRecycledFolder),
        ];
        var undeclared = ApiRoutes.All.Where(r => r.Method != "DELETE" && r.Answer is null && r.Produces is null && !bare.Contains(r.Name)).Select(r => r.Name).ToList();
        Assert.IsEmpty(undeclared, "routes whose answer the document cannot describe: " + string.Join(", ", undeclared));

        // Actions whose request has no body.
        string[] bodiless =
        [
            nameof(ApiRoutes.RunStorageConnection), nameof(ApiRoutes.CancelStorageConnectionRun), nameof(ApiRoutes.CancelManifestConnectionRun),
            nameof(ApiRoutes.RestoreRecycledFile), nameof(ApiRoutes.RestoreRecycledFolder), nameof(ApiRoutes.CompleteFileUpload), nameof(ApiRoutes.UpdateFileContent),
        ];
        var unbodied = ApiRoutes.All.Where(r => r.Method is "POST" or "PUT" or "PATCH" && r.Body is null && !bodiless.Contains(r.Name)).Select(r => r.Name).ToList();
        Assert.IsEmpty(unbodied, "routes whose request body the document cannot describe: " + string.Join(", ", unbodied));

        var document = System.Text.Json.Nodes.JsonNode.Parse(OpenApiDescription.Json("r", "w"))!;
        var configuration = document["paths"]!["/synchronization/configurations/imodels/{imodelId}"]!["patch"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        CollectionAssert.AreEquivalent(
            Sync.Engine.Catalog.ConfigurationSettings.Of(Sync.Engine.Catalog.ConfigurationLevel.IModel).Select(s => s.Name).ToList(),
            configuration["properties"]!.AsObject().Select(p => p.Key).ToList());
        Assert.AreEqual("boolean", (string?)configuration["properties"]!["clampZExtent"]!["type"]);
        Assert.IsFalse((bool)configuration["additionalProperties"]!);

        var runs = document["paths"]!["/synchronization/imodels/storageConnections/{connectionId}/runs"]!["get"]!["responses"]!["2XX"]!["content"]!["application/json"]!["schema"]!["anyOf"]!.AsArray();
        Assert.AreEqual(("#/components/schemas/RunsAnswer", "#/components/schemas/RunsRepresentationAnswer"), ((string?)runs[0]!["$ref"], (string?)runs[1]!["$ref"]));
        var createIModel = document["paths"]!["/imodels"]!["post"]!["requestBody"]!["content"]!["application/json"]!;
        Assert.AreEqual("Bridge model", (string?)createIModel["example"]!["name"]);
        var requestSchema = document["components"]!["schemas"]!["CreateIModelRequest"]!;
        CollectionAssert.AreEquivalent(new[] { "iTwinId", "name" }, requestSchema["required"]!.AsArray().Select(n => (string?)n).ToList(), "nullable properties are optional");
    }

    [TestMethod]
    public void Reads_need_a_Reader_deletes_and_member_management_an_Owner_everything_else_a_Member()
    {
        foreach (var route in ApiRoutes.All.Where(r => !r.AllowAnonymous))
        {
            var expected = route.Method switch
            {
                "GET" => Role.Reader,
                "DELETE" => Role.Owner,
                _ when route.Template.Contains("/members", StringComparison.Ordinal) => Role.Owner,
                _ => Role.Member,
            };
            Assert.AreEqual(expected, route.RequiredRole, route.Name);
        }
    }

    [GeneratedRegex(@"^[A-Za-z.]+(/([A-Za-z]+|\{[a-zA-Z]+\}))*$")]
    private static partial Regex TemplatePattern();
}

using System.Reflection;
using System.Text.Json;
using Sync.Durable;
using Sync.Http.Routing;

namespace SyncFunctions.Tests;

/// <summary>
/// The Functions app and the local host serve the same API: the functions.metadata the Worker SDK generates
/// must hold exactly one HTTP function per route of the shared table, with its name, method and route, and one
/// trigger per durable task.
/// </summary>
[TestClass]
public sealed class FunctionsMetadataTests
{
    private static readonly Lazy<List<JsonElement>> Functions = new(Load);

    [TestMethod]
    public void One_http_function_per_route_with_the_same_name_method_and_route()
    {
        var http = Functions.Value
            .Select(f => (Name: f.GetProperty("name").GetString()!, Trigger: f.GetProperty("bindings").EnumerateArray().FirstOrDefault(b => b.GetProperty("type").GetString() == "httpTrigger")))
            .Where(f => f.Trigger.ValueKind == JsonValueKind.Object)
            .Select(f => $"{f.Name} {string.Join(',', f.Trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()))} {f.Trigger.GetProperty("route").GetString()}")
            .ToList();
        var expected = ApiRoutes.All.Select(r => $"{r.Name} {r.Method} {r.Template}").ToList();
        CollectionAssert.AreEquivalent(expected, http, "functions.metadata:\n" + string.Join('\n', http));
    }

    [TestMethod]
    public void Http_functions_are_anonymous_at_the_host_because_the_api_checks_bearer_tokens_itself()
    {
        var levels = Functions.Value
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
            .Select(b => b.GetProperty("authLevel").GetString())
            .Distinct()
            .ToList();
        CollectionAssert.AreEqual(new[] { "Anonymous" }, levels);
    }

    [TestMethod]
    public void Every_durable_task_has_its_trigger()
    {
        string[] Named(string trigger) => Functions.Value
            .Where(f => f.GetProperty("bindings").EnumerateArray().Any(b => b.GetProperty("type").GetString() == trigger))
            .Select(f => f.GetProperty("name").GetString()!)
            .ToArray();

        CollectionAssert.AreEquivalent(DurableTasks.Orchestrators.Select(t => t.Name).ToArray(), Named("orchestrationTrigger"));
        CollectionAssert.AreEquivalent(DurableTasks.Activities.Select(t => t.Name).ToArray(), Named("activityTrigger"));
        CollectionAssert.AreEquivalent(DurableTasks.Entities.Select(t => t.Name).ToArray(), Named("entityTrigger"));
    }

    [TestMethod]
    public void Direct_writes_to_the_files_container_reach_the_resync_through_an_Event_Grid_blob_trigger()
    {
        var triggers = Functions.Value
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "blobTrigger").Select(b => (Name: f.GetProperty("name").GetString(), Binding: b)))
            .ToList();

        Assert.HasCount(1, triggers, "exactly one blob trigger");
        var (name, binding) = triggers[0];
        Assert.AreEqual("FilesContainerChanged", name);
        Assert.AreEqual("%FilesContainerName%/{name}", binding.GetProperty("path").GetString());
        Assert.AreEqual("EventGrid", binding.GetProperty("source").GetString(), "Flex Consumption supports only the Event Grid source");
        Assert.AreEqual("FilesStorage", binding.GetProperty("connection").GetString());
        var function = Functions.Value.Single(f => f.GetProperty("name").GetString() == name);
        Assert.IsTrue(function.GetProperty("bindings").EnumerateArray().Any(b => b.GetProperty("type").GetString() == "durableClient"), "it signals the resync scheduler, so it needs the durable client");
    }

    private static List<JsonElement> Load()
    {
        string directory = typeof(FunctionsMetadataTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FunctionsOutputDir").Value!;
        string path = Path.Combine(directory, "functions.metadata");
        Assert.IsTrue(File.Exists(path), $"{path} was not generated; build src/SyncFunctions first.");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }
}

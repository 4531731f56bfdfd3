using System.Text.Json;

namespace Infra.Tests;

/// <summary>The Functions app publishes (as the pipeline does) into a deployable folder: worker, host.json, every function.</summary>
[TestClass]
public sealed class PublishTests
{
    [TestMethod]
    [Timeout(600_000, CooperativeCancellation = true)]
    public async Task The_functions_app_publishes_with_every_function_and_its_host_json()
    {
        string output = Directory.CreateTempSubdirectory("syncfunctions-publish").FullName;
        try
        {
            // No build: the solution build made the output; publishing copies it as the pipeline does.
            var (exit, log, errors) = await Repository.RunAsync("dotnet", ["publish", "src/SyncFunctions/SyncFunctions.csproj", "-c", Repository.Configuration, "--no-build", "-o", output, "-nologo"]);
            Assert.AreEqual(0, exit, log + errors);

            foreach (string file in new[] { "SyncFunctions.dll", "host.json", "functions.metadata", "worker.config.json" })
            {
                Assert.IsTrue(File.Exists(Path.Combine(output, file)), $"{file} is not in the published app");
            }

            string built = Path.Combine(Repository.Root, "src/SyncFunctions/bin", Repository.Configuration, "net10.0/functions.metadata");
            CollectionAssert.AreEquivalent(FunctionNames(built), FunctionNames(Path.Combine(output, "functions.metadata")), "the published app has the built app's functions");
            Assert.IsGreaterThan(50, FunctionNames(built).Count);

            using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "host.json")));
            Assert.AreEqual(string.Empty, host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static List<string> FunctionNames(string metadata)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(metadata));
        return document.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()!).ToList();
    }
}

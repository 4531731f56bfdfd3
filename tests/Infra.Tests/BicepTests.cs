namespace Infra.Tests;

/// <summary>Every template and parameters file under infra/ builds and lints with the project's Bicep CLI, with no diagnostics at all.</summary>
[TestClass]
public sealed class BicepTests
{
    // Production parameters have no defaults for the token issuer: the pipeline passes them.
    private static readonly Dictionary<string, string> PipelineVariables = new()
    {
        ["AUTH_AUTHORITY"] = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
        ["AUTH_AUDIENCE"] = "api://syncfunctions",
    };

    public static IEnumerable<object[]> Files =>
        Directory.EnumerateFiles(Repository.PathOf("infra"), "*.bicep*").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [TestMethod]
    [DynamicData(nameof(Files))]
    public async Task Builds_and_lints_with_no_diagnostics(string file)
    {
        string path = Path.Combine("infra", file);
        string build = file.EndsWith(".bicepparam", StringComparison.Ordinal) ? "build-params" : "build";
        foreach (string[] command in new[] { new[] { build, path, "--stdout" }, ["lint", path] })
        {
            var (exit, _, errors) = await Repository.RunAsync(Repository.Bicep, command, PipelineVariables);
            Assert.AreEqual(0, exit, $"bicep {string.Join(' ', command)}:\n{errors}");
            Assert.AreEqual(string.Empty, errors.Trim(), $"bicep {string.Join(' ', command)} reported diagnostics");
        }
    }

    [TestMethod]
    public void There_is_a_template_and_a_parameters_file_per_environment()
    {
        var files = Files.Select(f => (string)f[0]).ToList();
        CollectionAssert.IsSubsetOf(new[] { "main.bicep", "dev.bicepparam", "prod.bicepparam" }, files);
    }
}

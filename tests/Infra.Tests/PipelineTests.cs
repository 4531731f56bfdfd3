using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Infra.Tests;

/// <summary>azure-pipelines.yml and its deployment template parse, name only files that exist, and deploy the way the README says.</summary>
[TestClass]
public sealed partial class PipelineTests
{
    private static readonly string[] Environments = ["dev", "prod"];

    [TestMethod]
    public void Every_file_the_pipeline_names_exists()
    {
        var missing = new List<string>();
        foreach (string file in new[] { "azure-pipelines.yml", "infra/deploy-job.yml" })
        {
            foreach (string value in Scalars(Load(file)))
            {
                foreach (string environment in Environments)
                {
                    // Artifacts are published from the repository's folders of the same name.
                    string expanded = value.Replace("$(Pipeline.Workspace)/", "", StringComparison.Ordinal)
                        .Replace("${{ parameters.environmentName }}", environment, StringComparison.Ordinal);
                    missing.AddRange(NamedFile().Matches(expanded).Select(m => m.Value).Where(path => !File.Exists(Repository.PathOf(path))));
                }
            }
        }

        Assert.IsEmpty(missing, "named but missing: " + string.Join(", ", missing.Distinct()));
    }

    [TestMethod]
    public void Main_is_tested_then_deployed_to_dev_then_prod_each_with_what_if_first_and_an_environment()
    {
        var pipeline = Load("azure-pipelines.yml");
        var stages = ((YamlSequenceNode)pipeline["stages"]).Cast<YamlMappingNode>().Select(s => s["stage"].ToString()).ToList();
        CollectionAssert.AreEqual(new[] { "Build", "Dev", "Prod" }, stages);
        string build = File.ReadAllText(Repository.PathOf("azure-pipelines.yml"));
        StringAssert.Contains(build, "./test.sh");
        StringAssert.Contains(build, "dotnet publish src/SyncFunctions/SyncFunctions.csproj");

        var job = (YamlMappingNode)((YamlSequenceNode)Load("infra/deploy-job.yml")["jobs"])[0];
        StringAssert.StartsWith(job["environment"].ToString(), "syncfunctions-", "approvals live on the environment");
        var steps = ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)job["strategy"])["runOnce"])["deploy"])["steps"])
            .Cast<YamlMappingNode>().Select(s => s["displayName"].ToString()).ToList();
        CollectionAssert.AreEqual(new[] { "What-if", "Deploy the infrastructure", "Deploy the code", "Subscribe the resync trigger to blob events" }, steps);
    }

    [TestMethod]
    public void The_pipeline_holds_no_secrets()
    {
        foreach (string file in new[] { "azure-pipelines.yml", "infra/deploy-job.yml" })
        {
            string text = File.ReadAllText(Repository.PathOf(file));
            Assert.IsFalse(Secret().IsMatch(text), $"{file} looks like it holds a secret");
        }
    }

    private static YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(Repository.PathOf(file)));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static IEnumerable<string> Scalars(YamlNode node) => node switch
    {
        YamlScalarNode scalar => [scalar.Value ?? string.Empty],
        YamlSequenceNode sequence => sequence.SelectMany(Scalars),
        YamlMappingNode mapping => mapping.Children.SelectMany(c => Scalars(c.Key).Concat(Scalars(c.Value))),
        _ => [],
    };

    /// <summary>A repository path: a script, project, template, parameters or package file.</summary>
    [GeneratedRegex(@"(?<![\w/$)])(?:\./)?[\w.-]+(?:/[\w.-]+)*\.(?:sh|yml|bicep|bicepparam|csproj|props|json)\b")]
    private static partial Regex NamedFile();

    [GeneratedRegex(@"(?i)AccountKey=|SharedAccessSignature=|password\s*[:=]|client_secret|sig=[A-Za-z0-9%]{20,}")]
    private static partial Regex Secret();
}

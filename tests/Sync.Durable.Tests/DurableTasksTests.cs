using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;

namespace Sync.Durable.Tests;

[TestClass]
public sealed class DurableTasksTests
{
    [TestMethod]
    public void Every_registered_type_is_the_kind_of_task_its_list_says()
    {
        Assert.IsTrue(DurableTasks.Orchestrators.All(t => typeof(ITaskOrchestrator).IsAssignableFrom(t)));
        Assert.IsTrue(DurableTasks.Activities.All(t => typeof(ITaskActivity).IsAssignableFrom(t)));
        Assert.IsTrue(DurableTasks.Entities.All(t => typeof(ITaskEntity).IsAssignableFrom(t)));
    }

    [TestMethod]
    public void Every_task_class_of_the_assembly_is_registered()
    {
        var all = typeof(DurableTasks).Assembly.GetTypes().Where(t => !t.IsAbstract && (typeof(ITaskOrchestrator).IsAssignableFrom(t) || typeof(ITaskActivity).IsAssignableFrom(t) || typeof(ITaskEntity).IsAssignableFrom(t)));
        CollectionAssert.AreEquivalent(all.ToList(), DurableTasks.Orchestrators.Concat(DurableTasks.Activities).Concat(DurableTasks.Entities).ToList());
    }
}

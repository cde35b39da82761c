using Suite.Deploy.Tests.Infrastructure;

namespace Suite.Deploy.Tests;

/// <summary>Dapr: every suite process carries sidecar annotations, the Dapr component turns them on, and Dapr's components read credentials from the secret store.</summary>
[Collection(ManifestCollection.Name)]
public sealed class DaprTests(RenderedManifests manifests)
{
    [Fact]
    public void Every_suite_Deployment_has_its_own_app_id_and_the_dapr_component_turns_the_sidecar_on()
    {
        foreach (var (render, objects) in manifests.Renders)
        {
            var withDapr = objects.Any(o => o.Kind == "Component" && o.ApiVersion == "dapr.io/v1alpha1");
            foreach (var workload in Workload.In(objects).Where(w => w.SuiteImage is not null))
            {
                var annotations = workload.PodAnnotations;
                Assert.Equal(workload.Name, annotations.GetProperty("dapr.io/app-id").GetString());
                Assert.Equal(Assert.Single(workload.ContainerPorts()).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), annotations.GetProperty("dapr.io/app-port").GetString());
                Assert.Equal(withDapr ? "true" : "false", annotations.GetProperty("dapr.io/enabled").GetString());
            }
        }
    }

    [Fact]
    public void Dapr_components_take_every_credential_from_the_secret_store()
    {
        var components = manifests.Render(RenderedManifests.ComponentRender("dapr")).Where(o => o.Kind == "Component").ToList();
        var pubsub = components.Single(c => c.Spec.GetProperty("type").GetString() == "pubsub.rabbitmq");
        var store = components.Single(c => c.Spec.GetProperty("type").GetString() == "secretstores.kubernetes");

        Assert.Equal(store.Name, pubsub.Document.GetProperty("auth").GetProperty("secretStore").GetString());
        var connection = pubsub.Spec.GetProperty("metadata").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "connectionString");
        Assert.False(connection.TryGetProperty("value", out _));
        Assert.Equal("suite-rabbitmq", connection.GetProperty("secretKeyRef").GetProperty("name").GetString());
        Assert.Equal("uri", connection.GetProperty("secretKeyRef").GetProperty("key").GetString());
    }
}

package io.apexvoice.gateway.campaigns;

import java.util.List;
import java.util.Optional;

import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterView;

/**
 * The cluster service of a process that is not in Kubernetes ({@code apex.cluster.mode=standalone}): it is the
 * only member of every view and so always the leader, and singleton routes ({@code master:} endpoints) run here.
 * Run one dispatcher process per Redis in this mode; several need {@code apex.cluster.mode=kubernetes}.
 */
public final class StandaloneClusterService extends AbstractCamelClusterService<StandaloneClusterService.View> {

    public StandaloneClusterService() {
        super("standalone");
    }

    @Override
    protected View createView(String namespace) {
        return new View(this, namespace);
    }

    static final class View extends AbstractCamelClusterView {

        private final CamelClusterMember self;

        View(CamelClusterService service, String namespace) {
            super(service, namespace);
            String id = service.getId();
            this.self = new CamelClusterMember() {
                @Override
                public boolean isLeader() {
                    return true;
                }

                @Override
                public boolean isLocal() {
                    return true;
                }

                @Override
                public String getId() {
                    return id;
                }
            };
        }

        @Override
        public Optional<CamelClusterMember> getLeader() {
            return Optional.of(self);
        }

        @Override
        public CamelClusterMember getLocalMember() {
            return self;
        }

        @Override
        public List<CamelClusterMember> getMembers() {
            return List.of(self);
        }

        @Override
        protected void doStart() {
            fireLeadershipChangedEvent(self);
        }
    }

}

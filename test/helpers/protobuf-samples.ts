// An upstream-like object of every built-in kind the server serves (and the subresource kinds).
const T = '2024-05-01T10:00:00Z';
const meta = (name: string, namespace?: string, extra: Record<string, unknown> = {}) => ({
  name, ...(namespace ? { namespace } : {}), uid: `${name}-0000-4000-8000-000000000001`, resourceVersion: '123', creationTimestamp: T, ...extra,
});
const labels = { app: 'web', 'app.kubernetes.io/part-of': 'shop' };
const selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] };
const container = {
  name: 'web', image: 'nginx:1.27', command: ['nginx'], args: ['-g', 'daemon off;'],
  ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
  env: [{ name: 'MODE', value: 'prod' }, { name: 'EMPTY' }, { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
  resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi', 'ephemeral-storage': '1Gi' } },
  livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 3, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
  readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
  securityContext: { runAsNonRoot: true, runAsUser: 0, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent',
};
const podSpec = {
  volumes: [{ name: 'cfg', configMap: { name: 'web-config', defaultMode: 420, optional: false } }, { name: 'scratch', emptyDir: { sizeLimit: '1Gi' } }],
  containers: [container], restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst',
  nodeSelector: { 'kubernetes.io/os': 'linux' }, serviceAccountName: 'web', securityContext: { fsGroup: 2000, supplementalGroups: [1000, 3000] },
  affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: selector, topologyKey: 'kubernetes.io/hostname' } }] } },
  tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
  schedulerName: 'default-scheduler', enableServiceLinks: false, priority: 0,
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector }],
};
const template = { metadata: { labels, annotations: { 'kubectl.kubernetes.io/restartedAt': T } }, spec: podSpec };
const condition = (type: string) => ({ type, status: 'True', lastTransitionTime: T, reason: 'Ready', message: 'all good' });
const managedFields = [{ manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time: T, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } } }];
const subject = { kind: 'ServiceAccount', name: 'web', namespace: 'shop' };
const rule = { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'], resourceNames: ['a'] };
const webhook = {
  name: 'check.example.com', clientConfig: { service: { namespace: 'hooks', name: 'check', path: '/validate', port: 443 }, caBundle: Buffer.from('ca-pem').toString('base64') },
  rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], scope: '*' }],
  failurePolicy: 'Fail', matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: selector, sideEffects: 'None', timeoutSeconds: 10,
  admissionReviewVersions: ['v1'], matchConditions: [{ name: 'not-system', expression: "!request.userInfo.username.startsWith('system:')" }],
};
const userInfo = { username: 'alice', uid: '42', groups: ['dev', 'system:authenticated'], extra: { scopes: ['a', 'b'], empty: [] } };

export const samples: Record<string, Record<string, unknown>> = {
  'v1/Binding': { metadata: meta('web-0', 'shop'), target: { kind: 'Node', name: 'node-1', apiVersion: 'v1' } },
  'v1/ComponentStatus': { metadata: meta('etcd-0'), conditions: [{ type: 'Healthy', status: 'True', message: 'ok' }] },
  'v1/ConfigMap': { metadata: meta('web-config', 'shop', { labels, managedFields }), data: { 'nginx.conf': 'server {}\n', empty: '' }, binaryData: { blob: Buffer.from([0, 255, 7]).toString('base64') }, immutable: false },
  'v1/Endpoints': { metadata: meta('web', 'shop'), subsets: [{ addresses: [{ ip: '10.0.0.5', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'shop', name: 'web-0', uid: 'u1' } }], notReadyAddresses: [{ ip: '10.0.0.6' }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }] },
  'v1/Event': { metadata: meta('web.17a', 'shop'), involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-0', uid: 'u1', apiVersion: 'v1', resourceVersion: '5', fieldPath: 'spec.containers{web}' }, reason: 'Pulled', message: 'pulled', source: { component: 'kubelet', host: 'node-1' }, firstTimestamp: T, lastTimestamp: T, count: 3, type: 'Normal', eventTime: '2024-05-01T10:00:00.123456Z', reportingComponent: 'kubelet', reportingInstance: 'node-1' },
  'v1/LimitRange': { metadata: meta('limits', 'shop'), spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { cpu: '10m' }, default: { memory: '256Mi' }, defaultRequest: { memory: '128Mi' }, maxLimitRequestRatio: { cpu: '4' } }] } },
  'v1/Namespace': { metadata: meta('shop', undefined, { labels: { 'kubernetes.io/metadata.name': 'shop' } }), spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } },
  'v1/Node': {
    metadata: meta('node-1', undefined, { labels: { 'kubernetes.io/hostname': 'node-1' } }),
    spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'], taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule', timeAdded: T }], unschedulable: true },
    status: { capacity: { cpu: '4', memory: '16Gi', pods: '110' }, allocatable: { cpu: '3800m', memory: '15Gi' }, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: T, lastTransitionTime: T, reason: 'KubeletReady', message: 'ok' }], addresses: [{ type: 'InternalIP', address: '192.168.1.10' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } }, nodeInfo: { machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: '6.1', osImage: 'Debian', containerRuntimeVersion: 'containerd://1.7', kubeletVersion: 'v1.32.4', kubeProxyVersion: 'v1.32.4', operatingSystem: 'linux', architecture: 'amd64' }, images: [{ names: ['nginx:1.27'], sizeBytes: 70000000 }], runtimeHandlers: [{ name: 'runc', features: { recursiveReadOnlyMounts: true } }], features: { supplementalGroupsPolicy: true } },
  },
  'v1/PersistentVolumeClaim': { metadata: meta('data', 'shop'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, storageClassName: 'standard', volumeMode: 'Filesystem', volumeName: 'pv-1' }, status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } } },
  'v1/PersistentVolume': { metadata: meta('pv-1'), spec: { capacity: { storage: '10Gi' }, hostPath: { path: '/data', type: 'DirectoryOrCreate' }, accessModes: ['ReadWriteOnce'], claimRef: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data' }, persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'standard', nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] }] }] } } }, status: { phase: 'Bound' } },
  'v1/Pod': {
    metadata: meta('web-0', 'shop', { labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }], deletionTimestamp: T, deletionGracePeriodSeconds: 0 }),
    spec: { ...podSpec, nodeName: 'node-1' },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: T }].map(({ lastProbeTime: _, ...c }) => c), hostIP: '192.168.1.10', podIP: '10.244.0.7', podIPs: [{ ip: '10.244.0.7' }], startTime: T, qosClass: 'Burstable', containerStatuses: [{ name: 'web', state: { running: { startedAt: T } }, lastState: {}, ready: true, restartCount: 0, image: 'nginx:1.27', imageID: 'sha256:abc', containerID: 'containerd://abc', started: true }] },
  },
  'v1/PodTemplate': { metadata: meta('tmpl', 'shop'), template },
  'v1/ReplicationController': { metadata: meta('rc', 'shop'), spec: { replicas: 0, minReadySeconds: 5, selector: { app: 'web' }, template }, status: { replicas: 0, observedGeneration: 2 } },
  'v1/ResourceQuota': { metadata: meta('quota', 'shop'), spec: { hard: { pods: '10', 'requests.cpu': '4', 'limits.memory': '8Gi' }, scopes: ['NotTerminating'], scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } }, status: { hard: { pods: '10' }, used: { pods: '0' } } },
  'v1/Secret': { metadata: meta('creds', 'shop'), type: 'kubernetes.io/basic-auth', data: { username: Buffer.from('admin').toString('base64'), password: Buffer.from('s3cr3t\n').toString('base64'), empty: '' }, immutable: true },
  'v1/ServiceAccount': { metadata: meta('web', 'shop'), secrets: [{ name: 'web-token' }], imagePullSecrets: [{ name: 'registry' }], automountServiceAccountToken: false },
  'v1/Service': {
    metadata: meta('web', 'shop', { annotations: { note: '' } }),
    spec: { ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }, { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: 'metrics', nodePort: 30090 }], selector: { app: 'web' }, clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], type: 'NodePort', sessionAffinity: 'None', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster', externalTrafficPolicy: 'Cluster', trafficDistribution: 'PreferClose', allocateLoadBalancerNodePorts: false },
    status: { loadBalancer: { ingress: [{ ip: '1.2.3.4', ipMode: 'VIP', ports: [{ port: 80, protocol: 'TCP' }] }] }, conditions: [condition('Ready')] },
  },
  'apiregistration.k8s.io/v1/APIService': { metadata: meta('v1beta1.metrics.k8s.io'), spec: { service: { namespace: 'kube-system', name: 'metrics-server', port: 443 }, group: 'metrics.k8s.io', version: 'v1beta1', insecureSkipTLSVerify: true, groupPriorityMinimum: 100, versionPriority: 100 }, status: { conditions: [condition('Available')] } },
  'apps/v1/ControllerRevision': { metadata: meta('web-5d8', 'shop'), data: { spec: { template: { $patch: 'replace', spec: { containers: [{ name: 'web' }] } } } }, revision: 3 },
  'apps/v1/DaemonSet': { metadata: meta('agent', 'kube-system', { generation: 2 }), spec: { selector, template, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '0%' } }, revisionHistoryLimit: 10 }, status: { currentNumberScheduled: 3, numberMisscheduled: 0, desiredNumberScheduled: 3, numberReady: 3, observedGeneration: 2 } },
  'apps/v1/Deployment': { metadata: meta('web', 'shop', { generation: 4, annotations: { 'deployment.kubernetes.io/revision': '3' } }), spec: { replicas: 0, selector, template, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } }, revisionHistoryLimit: 0, progressDeadlineSeconds: 600, paused: true }, status: { observedGeneration: 4, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: [{ type: 'Available', status: 'True', lastUpdateTime: T, lastTransitionTime: T, reason: 'MinimumReplicasAvailable', message: 'ok' }] } },
  'apps/v1/ReplicaSet': { metadata: meta('web-7d9', 'shop'), spec: { replicas: 3, selector, template }, status: { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 } },
  'apps/v1/StatefulSet': { metadata: meta('db', 'shop'), spec: { replicas: 1, selector, template, serviceName: 'db', podManagementPolicy: 'Parallel', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 1 } }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }], persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' }, ordinals: { start: 0 } }, status: { replicas: 1, availableReplicas: 1, currentRevision: 'db-1', updateRevision: 'db-1', collisionCount: 0 } },
  'events.k8s.io/v1/Event': { metadata: meta('web.17b', 'shop'), eventTime: '2024-05-01T10:00:00.000001Z', series: { count: 2, lastObservedTime: '2024-05-01T10:01:00.500000Z' }, reportingController: 'kubelet', reportingInstance: 'node-1', action: 'Pulling', reason: 'Pulling', regarding: { kind: 'Pod', namespace: 'shop', name: 'web-0' }, note: 'pulling image', type: 'Normal' },
  'authentication.k8s.io/v1/SelfSubjectReview': { metadata: { creationTimestamp: T }, status: { userInfo } },
  'authentication.k8s.io/v1/TokenReview': { metadata: {}, spec: { token: 'abc.def', audiences: ['https://kubernetes.default.svc'] }, status: { authenticated: true, user: userInfo, audiences: ['https://kubernetes.default.svc'] } },
  'authentication.k8s.io/v1/TokenRequest': { metadata: meta('web', 'shop'), spec: { audiences: ['api'], expirationSeconds: 3600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-0', uid: 'u1' } }, status: { token: 'eyJ', expirationTimestamp: T } },
  'authorization.k8s.io/v1/LocalSubjectAccessReview': { metadata: { namespace: 'shop' }, spec: { resourceAttributes: { namespace: 'shop', verb: 'get', group: 'apps', resource: 'deployments', name: 'web', fieldSelector: { requirements: [{ key: 'metadata.name', operator: 'In', values: ['web'] }] }, labelSelector: { rawSelector: 'app=web' } }, user: 'alice', groups: ['dev'], extra: { scopes: ['a'] }, uid: '42' }, status: { allowed: true, reason: 'RBAC: allowed' } },
  'authorization.k8s.io/v1/SelfSubjectAccessReview': { metadata: {}, spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } }, status: { allowed: false, denied: true, evaluationError: 'none' } },
  'authorization.k8s.io/v1/SelfSubjectRulesReview': { metadata: {}, spec: { namespace: 'shop' }, status: { resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/api'] }], incomplete: true } },
  'authorization.k8s.io/v1/SubjectAccessReview': { metadata: {}, spec: { resourceAttributes: { verb: 'list', resource: 'pods' }, user: 'system:serviceaccount:shop:web' }, status: { allowed: true } },
  'autoscaling/v2/HorizontalPodAutoscaler': { metadata: meta('web', 'shop'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 10, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }, { type: 'Pods', pods: { metric: { name: 'rps', selector }, target: { type: 'AverageValue', averageValue: '100m' } } }], behavior: { scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] } } }, status: { currentReplicas: 3, desiredReplicas: 3, lastScaleTime: T, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageValue: '120m', averageUtilization: 40 } } }], conditions: [condition('AbleToScale')] } },
  'autoscaling/v1/HorizontalPodAutoscaler': { metadata: meta('web', 'shop'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 80 }, status: { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 0 } },
  'autoscaling/v1/Scale': { metadata: meta('web', 'shop'), spec: { replicas: 2 }, status: { replicas: 3, selector: 'app=web' } },
  'batch/v1/CronJob': { metadata: meta('report', 'shop'), spec: { schedule: '*/5 * * * *', timeZone: 'Etc/UTC', startingDeadlineSeconds: 200, concurrencyPolicy: 'Forbid', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, jobTemplate: { metadata: { labels }, spec: { backoffLimit: 0, template: { spec: { ...podSpec, restartPolicy: 'OnFailure' } } } } }, status: { active: [{ kind: 'Job', name: 'report-1', namespace: 'shop' }], lastScheduleTime: T, lastSuccessfulTime: T } },
  'batch/v1/Job': { metadata: meta('pi', 'shop'), spec: { parallelism: 2, completions: 4, activeDeadlineSeconds: 600, backoffLimit: 6, backoffLimitPerIndex: 1, maxFailedIndexes: 2, completionMode: 'Indexed', suspend: false, manualSelector: false, ttlSecondsAfterFinished: 0, podReplacementPolicy: 'Failed', managedBy: 'kubernetes.io/job-controller', successPolicy: { rules: [{ succeededIndexes: '0-2', succeededCount: 1 }] }, podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } }, { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] }, selector, template: { metadata: { labels }, spec: { ...podSpec, restartPolicy: 'Never' } } }, status: { startTime: T, completionTime: T, succeeded: 4, completedIndexes: '0-3', ready: 0, terminating: 0, uncountedTerminatedPods: {}, conditions: [{ type: 'Complete', status: 'True', lastProbeTime: T, lastTransitionTime: T }] } },
  'certificates.k8s.io/v1/CertificateSigningRequest': { metadata: meta('csr-1'), spec: { request: Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\n').toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', expirationSeconds: 86400, usages: ['client auth', 'digital signature'], username: 'alice', groups: ['dev'], extra: { scopes: ['a'] } }, status: { conditions: [{ type: 'Approved', status: 'True', reason: 'OK', lastUpdateTime: T, lastTransitionTime: T }], certificate: Buffer.from('cert').toString('base64') } },
  'networking.k8s.io/v1/IngressClass': { metadata: meta('nginx', undefined, { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }), spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external', scope: 'Namespace', namespace: 'ingress' } } },
  'networking.k8s.io/v1/Ingress': { metadata: meta('web', 'shop'), spec: { ingressClassName: 'nginx', defaultBackend: { service: { name: 'web', port: { number: 80 } } }, tls: [{ hosts: ['shop.example.com'], secretName: 'tls' }], rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }, { path: '/static', pathType: 'ImplementationSpecific', backend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static' } } }] } }] }, status: { loadBalancer: { ingress: [{ hostname: 'lb.example.com', ports: [{ port: 443, protocol: 'TCP', error: 'none' }] }] } } },
  'networking.k8s.io/v1/NetworkPolicy': { metadata: meta('deny', 'shop'), spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: selector }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 8080, endPort: 8090 }, { port: 'http' }] }], egress: [{}] } },
  'policy/v1/PodDisruptionBudget': { metadata: meta('web', 'shop'), spec: { minAvailable: '50%', selector, unhealthyPodEvictionPolicy: 'AlwaysAllow' }, status: { observedGeneration: 1, disruptedPods: { 'web-0': T }, disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, expectedPods: 3, conditions: [{ type: 'DisruptionAllowed', status: 'False', observedGeneration: 1, lastTransitionTime: T, reason: 'InsufficientPods', message: '' }] } },
  'policy/v1/Eviction': { metadata: meta('web-0', 'shop'), deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'u1', resourceVersion: '5' }, propagationPolicy: 'Background', dryRun: ['All'] } },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { metadata: meta('admins'), subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'admins' }, subject], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' } },
  'rbac.authorization.k8s.io/v1/ClusterRole': { metadata: meta('view'), rules: [rule, { nonResourceURLs: ['/healthz', '/version'], verbs: ['get'] }], aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-view': 'true' } }] } },
  'rbac.authorization.k8s.io/v1/RoleBinding': { metadata: meta('read', 'shop'), subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' } },
  'rbac.authorization.k8s.io/v1/Role': { metadata: meta('reader', 'shop'), rules: [rule] },
  'storage.k8s.io/v1/CSIDriver': { metadata: meta('ebs.csi.aws.com'), spec: { attachRequired: true, podInfoOnMount: false, volumeLifecycleModes: ['Persistent'], storageCapacity: true, fsGroupPolicy: 'File', tokenRequests: [{ audience: 'sts', expirationSeconds: 3600 }], requiresRepublish: false, seLinuxMount: true } },
  'storage.k8s.io/v1/CSINode': { metadata: meta('node-1'), spec: { drivers: [{ name: 'ebs.csi.aws.com', nodeID: 'i-123', topologyKeys: ['topology.ebs.csi.aws.com/zone'], allocatable: { count: 25 } }] } },
  'storage.k8s.io/v1/CSIStorageCapacity': { metadata: meta('cap-1', 'kube-system'), nodeTopology: selector, storageClassName: 'fast', capacity: '100Gi', maximumVolumeSize: '2Ti' },
  'storage.k8s.io/v1/StorageClass': { metadata: meta('fast'), provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3' }, reclaimPolicy: 'Delete', mountOptions: ['debug'], allowVolumeExpansion: true, volumeBindingMode: 'WaitForFirstConsumer', allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['eu-1a'] }] }] },
  'storage.k8s.io/v1/VolumeAttachment': { metadata: meta('csi-abc'), spec: { attacher: 'ebs.csi.aws.com', source: { persistentVolumeName: 'pv-1' }, nodeName: 'node-1' }, status: { attached: true, attachmentMetadata: { devicePath: '/dev/xvdba' }, detachError: { time: T, message: 'busy' } } },
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration': { metadata: meta('mutate'), webhooks: [{ ...webhook, reinvocationPolicy: 'IfNeeded' }] },
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration': { metadata: meta('validate'), webhooks: [{ ...webhook, clientConfig: { url: 'https://hooks.example.com/validate' } }] },
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': { metadata: meta('replicas-limit', undefined, { generation: 1 }), spec: { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'], resourceNames: [] }].map(({ resourceNames: _, ...r }) => r), matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {} }, validations: [{ expression: 'object.spec.replicas <= 5', message: 'too many', reason: 'Invalid' }], failurePolicy: 'Fail', auditAnnotations: [{ key: 'high-replica-count', valueExpression: "'n=' + string(object.spec.replicas)" }], matchConditions: [{ name: 'c', expression: 'true' }], variables: [{ name: 'r', expression: 'object.spec.replicas' }] }, status: { observedGeneration: 1, typeChecking: { expressionWarnings: [{ fieldRef: 'spec.validations[0].expression', warning: 'w' }] }, conditions: [{ type: 'Ready', status: 'True', observedGeneration: 1, lastTransitionTime: T, reason: 'OK', message: '' }] } },
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': { metadata: meta('replicas-limit-binding'), spec: { policyName: 'replicas-limit', paramRef: { name: 'limits', namespace: 'shop', parameterNotFoundAction: 'Deny', selector: {} }, matchResources: { namespaceSelector: { matchLabels: { env: 'prod' } } }, validationActions: ['Deny', 'Audit'] } },
  'apiextensions.k8s.io/v1/CustomResourceDefinition': {
    metadata: meta('crontabs.stable.example.com'),
    spec: {
      group: 'stable.example.com', scope: 'Namespaced',
      names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList', shortNames: ['ct'], categories: ['all'] },
      conversion: { strategy: 'Webhook', webhook: { clientConfig: { service: { namespace: 'conv', name: 'conv', path: '/convert', port: 443 }, caBundle: Buffer.from('ca').toString('base64') }, conversionReviewVersions: ['v1'] } },
      versions: [{
        name: 'v1', served: true, storage: true, deprecated: true, deprecationWarning: 'use v2',
        subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
        additionalPrinterColumns: [{ name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec', priority: 1 }],
        selectableFields: [{ jsonPath: '.spec.color' }],
        schema: {
          openAPIV3Schema: {
            type: 'object', required: ['spec'], 'x-kubernetes-preserve-unknown-fields': false,
            properties: {
              spec: {
                type: 'object',
                properties: {
                  cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$', maxLength: 0 },
                  replicas: { type: 'integer', minimum: 1, maximum: 10, default: 1, 'x-kubernetes-validations': [{ rule: 'self >= 1', message: 'min', optionalOldSelf: true }] },
                  tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
                  pair: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }] },
                  labels: { type: 'object', additionalProperties: { type: 'string' } },
                  open: { type: 'object', additionalProperties: true, 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
                  port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
                  color: { type: 'string', enum: ['red', 'blue', null], nullable: true, example: { any: ['json', 1, true] } },
                },
                dependencies: { cronSpec: ['replicas'], tags: { required: ['pair'] } },
              },
            },
          },
        },
      }],
    },
    status: { conditions: [{ type: 'Established', status: 'True', lastTransitionTime: T, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }], acceptedNames: { plural: 'crontabs', kind: 'CronTab' }, storedVersions: ['v1'] },
  },
  'scheduling.k8s.io/v1/PriorityClass': { metadata: meta('high'), value: 0, globalDefault: true, description: 'important', preemptionPolicy: 'Never' },
  'coordination.k8s.io/v1/Lease': { metadata: meta('kube-controller-manager', 'kube-system'), spec: { holderIdentity: 'node-1_abc', leaseDurationSeconds: 15, acquireTime: '2024-05-01T10:00:00.000000Z', renewTime: '2024-05-01T10:00:05.123456Z', leaseTransitions: 0, strategy: 'OldestEmulationVersion', preferredHolder: 'node-2' } },
  'node.k8s.io/v1/RuntimeClass': { metadata: meta('gvisor'), handler: 'runsc', overhead: { podFixed: { cpu: '250m', memory: '120Mi' } }, scheduling: { nodeSelector: { sandbox: 'gvisor' }, tolerations: [{ key: 'sandbox', operator: 'Equal', value: 'gvisor', effect: 'NoSchedule' }] } },
  'discovery.k8s.io/v1/EndpointSlice': { metadata: meta('web-abc', 'shop', { labels: { 'kubernetes.io/service-name': 'web' } }), addressType: 'IPv4', endpoints: [{ addresses: ['10.244.0.7'], conditions: { ready: true, serving: true, terminating: false }, hostname: 'web-0', targetRef: { kind: 'Pod', namespace: 'shop', name: 'web-0', uid: 'u1' }, nodeName: 'node-1', zone: 'eu-1a', hints: { forZones: [{ name: 'eu-1a' }] } }], ports: [{ name: 'http', protocol: 'TCP', port: 80, appProtocol: 'http' }] },
  'flowcontrol.apiserver.k8s.io/v1/FlowSchema': { metadata: meta('system-leader-election'), spec: { priorityLevelConfiguration: { name: 'leader-election' }, matchingPrecedence: 100, distinguisherMethod: { type: 'ByUser' }, rules: [{ subjects: [{ kind: 'User', user: { name: 'system:kube-controller-manager' } }, { kind: 'ServiceAccount', serviceAccount: { namespace: 'kube-system', name: '*' } }, { kind: 'Group', group: { name: 'system:masters' } }], resourceRules: [{ verbs: ['get', 'create', 'update'], apiGroups: ['coordination.k8s.io'], resources: ['leases'], clusterScope: true, namespaces: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['/healthz'] }] }] }, status: { conditions: [{ type: 'Dangling', status: 'False', lastTransitionTime: T, reason: 'Found', message: 'ok' }] } },
  'flowcontrol.apiserver.k8s.io/v1/PriorityLevelConfiguration': { metadata: meta('workload-low'), spec: { type: 'Limited', limited: { nominalConcurrencyShares: 0, lendablePercent: 90, borrowingLimitPercent: 0, limitResponse: { type: 'Queue', queuing: { queues: 128, handSize: 6, queueLengthLimit: 50 } } } }, status: {} },
};

export const kindKey = (group: string, version: string, kind: string) => (group ? `${group}/${version}/${kind}` : `${version}/${kind}`);

export function sampleObject(key: string): Record<string, unknown> {
  const parts = key.split('/');
  const kind = parts.pop()!;
  return { apiVersion: parts.join('/'), kind, ...samples[key]! };
}


// Pod and pod-template defaults: upstream's SetDefaults_PodSpec, SetDefaults_Pod,
// SetDefaults_Container, probes, handlers, ports, env and volume sources (pkg/apis/core/v1).
import { child, def, isObj, items, opt, roundResourceList, type Obj } from './util.js';

// A docker reference: [domain/]path[:tag][@digest]. Anything else fails to parse upstream.
const REFERENCE = /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?)\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::([\w][\w.-]{0,127}))?(@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;

/** The tag upstream's ParseImageName finds: "latest" when neither tag nor digest is given. */
function imageTag(image: string): string {
  const m = REFERENCE.exec(image);
  if (!m) return '';
  if (m[1] !== undefined) return m[1];
  return m[2] !== undefined ? '' : 'latest';
}

function defaultHandler(h: Obj | undefined): void {
  const http = opt(h, 'httpGet');
  if (http) {
    def(http, 'path', '/');
    def(http, 'scheme', 'HTTP');
  }
}

function defaultProbe(p: Obj | undefined): void {
  if (!p) return;
  defaultHandler(p);
  for (const [k, v] of [['timeoutSeconds', 1], ['periodSeconds', 10], ['successThreshold', 1], ['failureThreshold', 3]] as const) {
    if (p[k] === undefined || p[k] === null || p[k] === 0) p[k] = v;
  }
}

function defaultContainer(c: Obj): void {
  if (c['imagePullPolicy'] === undefined || c['imagePullPolicy'] === '') {
    c['imagePullPolicy'] = imageTag(typeof c['image'] === 'string' ? c['image'] : '') === 'latest' ? 'Always' : 'IfNotPresent';
  }
  def(c, 'terminationMessagePath', '/dev/termination-log');
  def(c, 'terminationMessagePolicy', 'File');
  for (const port of items(c, 'ports')) def(port, 'protocol', 'TCP');
  for (const env of items(c, 'env')) {
    const fieldRef = opt(opt(env, 'valueFrom'), 'fieldRef');
    if (fieldRef) def(fieldRef, 'apiVersion', 'v1');
  }
  defaultProbe(opt(c, 'livenessProbe'));
  defaultProbe(opt(c, 'readinessProbe'));
  defaultProbe(opt(c, 'startupProbe'));
  const lifecycle = opt(c, 'lifecycle');
  defaultHandler(opt(lifecycle, 'postStart'));
  defaultHandler(opt(lifecycle, 'preStop'));
  const resources = opt(c, 'resources');
  roundResourceList(opt(resources, 'limits'));
  roundResourceList(opt(resources, 'requests'));
}

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

const FILE_MODE = 0o644;

function defaultDownwardItems(list: Obj[]): void {
  for (const item of list) {
    const fieldRef = opt(item, 'fieldRef');
    if (fieldRef) def(fieldRef, 'apiVersion', 'v1');
  }
}

/** SetDefaults_PersistentVolumeClaimSpec, also used for claim templates. */
export function defaultClaimSpec(spec: Obj | undefined): void {
  if (!spec) return;
  def(spec, 'volumeMode', 'Filesystem');
  const resources = opt(spec, 'resources');
  roundResourceList(opt(resources, 'limits'));
  roundResourceList(opt(resources, 'requests'));
}

function defaultVolume(v: Obj): void {
  if (!VOLUME_SOURCES.some(s => v[s] !== undefined && v[s] !== null)) v['emptyDir'] = {};
  for (const key of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const src = opt(v, key);
    if (src) def(src, 'defaultMode', FILE_MODE);
  }
  defaultDownwardItems(items(opt(v, 'downwardAPI'), 'items'));
  for (const source of items(opt(v, 'projected'), 'sources')) {
    defaultDownwardItems(items(opt(source, 'downwardAPI'), 'items'));
    const token = opt(source, 'serviceAccountToken');
    if (token) def(token, 'expirationSeconds', 3600);
  }
  const hostPath = opt(v, 'hostPath');
  if (hostPath && hostPath['type'] === undefined) hostPath['type'] = '';
  const iscsi = opt(v, 'iscsi');
  if (iscsi) def(iscsi, 'iscsiInterface', 'default');
  const rbd = opt(v, 'rbd');
  if (rbd) {
    def(rbd, 'pool', 'rbd');
    def(rbd, 'user', 'admin');
    def(rbd, 'keyring', '/etc/ceph/keyring');
  }
  const azureDisk = opt(v, 'azureDisk');
  if (azureDisk) {
    def(azureDisk, 'cachingMode', 'ReadWrite');
    def(azureDisk, 'fsType', 'ext4');
    def(azureDisk, 'readOnly', false);
    def(azureDisk, 'kind', 'Shared');
  }
  const scaleIO = opt(v, 'scaleIO');
  if (scaleIO) {
    def(scaleIO, 'storageMode', 'ThinProvisioned');
    def(scaleIO, 'fsType', 'xfs');
  }
  defaultClaimSpec(opt(opt(opt(v, 'ephemeral'), 'volumeClaimTemplate'), 'spec'));
}

/** SetDefaults_PodSpec and everything nested in a pod spec. */
export function defaultPodSpec(spec: Obj): void {
  def(spec, 'dnsPolicy', 'ClusterFirst');
  def(spec, 'restartPolicy', 'Always');
  if (!isObj(spec['securityContext'])) spec['securityContext'] = {};
  def(spec, 'terminationGracePeriodSeconds', 30);
  def(spec, 'schedulerName', 'default-scheduler');
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of items(spec, key)) defaultContainer(c);
  }
  for (const v of items(spec, 'volumes')) defaultVolume(v);
  roundResourceList(opt(spec, 'overhead'));
}

/** Defaults of a PodTemplateSpec embedded in a workload. */
export function defaultPodTemplate(template: Obj | undefined): void {
  if (!template) return;
  defaultPodSpec(child(template, 'spec'));
}

function requestsFromLimits(c: Obj): void {
  const resources = opt(c, 'resources');
  const limits = opt(resources, 'limits');
  if (!resources || !limits) return;
  const requests = child(resources, 'requests');
  for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
}

/** SetDefaults_Pod: what only a Pod gets, on top of its spec's defaults. */
export function defaultPod(pod: Obj): void {
  const spec = child(pod, 'spec');
  defaultPodSpec(spec);
  for (const key of ['containers', 'initContainers']) {
    for (const c of items(spec, key)) {
      requestsFromLimits(c);
      if (spec['hostNetwork'] === true) {
        for (const port of items(c, 'ports')) {
          if (port['hostPort'] === undefined || port['hostPort'] === 0) port['hostPort'] = port['containerPort'];
        }
      }
    }
  }
  if (spec['enableServiceLinks'] === undefined || spec['enableServiceLinks'] === null) spec['enableServiceLinks'] = true;
}

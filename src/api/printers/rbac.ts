// Table rows of RBAC bindings (roles and cluster roles use the default Name/Created At columns).
import type { Obj } from './read.js';
import { obj, objs, str } from './read.js';
import type { Cells, PrinterTable } from './types.js';

/** Users, groups and "namespace/name" service accounts, each ", "-joined (rbac.SubjectsStrings). */
function bindingCells(o: Obj): Cells {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const s of objs(o.subjects)) {
    if (s.kind === 'ServiceAccount') serviceAccounts.push(`${str(s.namespace)}/${str(s.name)}`);
    else if (s.kind === 'User') users.push(str(s.name));
    else if (s.kind === 'Group') groups.push(str(s.name));
  }
  const roleRef = obj(o.roleRef);
  return {
    Role: `${str(roleRef.kind)}/${str(roleRef.name)}`,
    Users: users.join(', '),
    Groups: groups.join(', '),
    ServiceAccounts: serviceAccounts.join(', '),
  };
}

export const rbacPrinters: PrinterTable = {
  'rolebindings.rbac.authorization.k8s.io': { cells: bindingCells },
  'clusterrolebindings.rbac.authorization.k8s.io': { cells: bindingCells },
};
